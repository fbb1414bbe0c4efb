//! The figures, written for the book: `results.json` (everything), one markdown table per
//! subject, and SVG charts. The chapter 9 page includes these files; none of its figures is typed.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use plotters::prelude::*;

use ch03_functions::local_gateway::Door;
use ch10_between::web_adapter::ADAPTER_FUNCTION_NAME;

use crate::backing::Backing;
use crate::functions::{FunctionResult, measured};
use crate::run::{CostPoint, RatioRound, Results, SizePoint};

/// Writes every figure into `out` (the book's folder), and the project's own targets, met or
/// not, into `targets_file` (a file for the people who change this code, not for the book).
/// A run's figures, read back from the `results.json` [`write`] wrote.
pub fn read_results(file: &Path) -> Result<Results> {
    let text = std::fs::read_to_string(file)?;
    Ok(serde_json::from_str(&text)?)
}

/// Writes the pages, the charts and the targets again from the figures already in `out`: what a
/// change to this report's code needs, without measuring again.
pub fn render_again(out: &Path, targets_file: &Path) -> Result<()> {
    write_pages(&read_results(&out.join("results.json"))?, out, targets_file)
}

pub fn write(results: &Results, out: &Path, targets_file: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    std::fs::write(
        out.join("results.json"),
        serde_json::to_string_pretty(results)? + "\n",
    )?;
    write_pages(results, out, targets_file)
}

/// The pages, the charts and the targets of [`write`], from `results`.
pub fn write_pages(results: &Results, out: &Path, targets_file: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("machine.md"), machine(results)?)?;
    std::fs::write(out.join("functions.md"), functions(results)?)?;
    std::fs::write(out.join("container.md"), container(results)?)?;
    std::fs::write(out.join("sizes.md"), sizes(results)?)?;
    std::fs::write(out.join("memory.md"), memory(results)?)?;
    std::fs::write(out.join("connection.md"), connection(results)?)?;
    std::fs::write(out.join("between.md"), between(results)?)?;
    memory_chart(results, &out.join("memory.svg"))?;
    std::fs::write(out.join("cost.md"), cost(results)?)?;
    std::fs::write(
        targets_file,
        format!(
            "# Chapter 9's targets\n\nWritten by `cargo xtask bench` from the figures in `book/src/measurements/`; \
             a target not met is a reason to profile (chapter 9, \"Profiling it yourself\"), not a failed test.\n\n{}",
            targets(results)?
        ),
    )?;
    cold_start_chart(results, &out.join("cold-starts.svg"))?;
    throughput_chart(results, &out.join("throughput.svg"))?;
    cost_chart(results, &out.join("cost.svg"))?;
    crate::views::write(out)?;
    Ok(())
}

/// The lines `bench` prints at the end.
pub fn summary(results: &Results) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    for f in results.functions.iter().chain([&results.hello_function]) {
        writeln!(
            out,
            "{:<15} {:<8} init p50 {:>6.2} ms, first call p50 {:>6.2} ms, warm p50 {:>6.3} ms p99 {:>6.3} ms, {}/{} answers 2xx",
            f.name,
            f.store,
            f.init_ms.p50,
            f.first_invocation_ms.p50,
            f.warm_ms.p50,
            f.warm_ms.p99,
            f.answers_2xx,
            f.answers
        )?;
    }
    for load in results
        .container
        .loads
        .iter()
        .chain([&results.container.hello])
    {
        writeln!(
            out,
            "{:<22} {:<8} {:>9.0} req/s, p50 {:.3} ms, p99 {:.3} ms, {:.1} us CPU/request, {} failed",
            load.name,
            load.store,
            load.requests_per_second,
            load.p50_ms,
            load.p99_ms,
            load.cpu_us_per_request,
            load.failures
        )?;
    }
    writeln!(
        out,
        "GET /blog/{{id}} at {:.2} of the hello-world server",
        results.container.ratio_to_hello
    )?;
    Ok(out)
}

fn machine(results: &Results) -> Result<String, std::fmt::Error> {
    let m = &results.machine;
    let tools: Vec<String> = results
        .tools
        .iter()
        .map(|(name, version)| named_version(name, version))
        .collect();
    Ok(format!(
        "Measured on {}: {}, {} cores, {} GiB, {}; {}; {}{}.\n",
        m.date,
        m.cpu,
        m.cores,
        m.memory_gib,
        m.os,
        named_version("rustc", &m.rustc),
        tools.join(", "),
        if results.quick {
            " (a quick run: these figures are not worth reading)"
        } else {
            ""
        }
    ))
}

/// A tool by its name and version only: `wrk 4.1.0`, not the banner `wrk --version` prints
/// (`wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer`). The version is the first
/// run of digits and dots with at least one dot; a line with none is kept as it is.
fn named_version(name: &str, printed: &str) -> String {
    let is_part = |c: char| c.is_ascii_digit() || c == '.';
    let version = printed
        .split(|c: char| !is_part(c))
        .map(|run| run.trim_matches('.'))
        .find(|run| run.contains('.') && run.starts_with(|c: char| c.is_ascii_digit()));
    match version {
        Some(version) => format!("{name} {version}"),
        None if printed.starts_with(name) => printed.to_owned(),
        None => format!("{name} {printed}"),
    }
}

fn functions(results: &Results) -> Result<String, std::fmt::Error> {
    let hello = &results.hello_function;
    let mut out = String::from(
        "| function | store | init p50 | init p90 | first call p50 | init + first call p50 | init / floor | warm p50 | warm p99 | peak memory | answers 2xx |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let row = |out: &mut String, f: &FunctionResult| {
        writeln!(
            out,
            "| `{}` | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2}× | {:.3} ms | {:.3} ms | {:.1} MiB | {}/{} |",
            f.name,
            f.store,
            f.init_ms.p50,
            f.init_ms.p90,
            f.first_invocation_ms.p50,
            f.init_and_first_ms.p50,
            f.init_ms.p50 / hello.init_ms.p50,
            f.warm_ms.p50,
            f.warm_ms.p99,
            f.peak_rss_kib as f64 / 1024.0,
            f.answers_2xx,
            f.answers
        )
    };
    for f in &results.functions {
        row(&mut out, f)?;
    }
    row(&mut out, hello)?;
    writeln!(
        out,
        "\n{} cold starts per function, the functions and the floor taking turns; {} warm invocations of the first process. The floor is `hello-function`: `lambda_runtime` and a handler that answers at once, on the same one-thread runtime.",
        hello.init_ms.n, hello.warm_ms.n
    )?;
    let get_post = |store: Backing| measured(&results.functions, "get-post", store);
    if let (Some(ats), Some(bundle)) = (
        get_post(Backing::DynamodbConnectAtFirstCall),
        get_post(Backing::DynamodbSystemBundle),
    ) {
        writeln!(
            out,
            "\nThe row `{}` is an experiment: `get-post` trusting the system's bundle of every CA root (`AWS_CA_BUNDLE`) instead of the five roots of Amazon Trust Services it compiles in, its connection left to the first call like the row `{}`. Its init is {:.2} ms, {:.2}× the floor, against {:.2} ms ({:.2}×): reading and parsing the bundle costs {:.2} ms of init.",
            Backing::DynamodbSystemBundle,
            Backing::DynamodbConnectAtFirstCall,
            bundle.init_ms.p50,
            bundle.init_ms.p50 / hello.init_ms.p50,
            ats.init_ms.p50,
            ats.init_ms.p50 / hello.init_ms.p50,
            bundle.init_ms.p50 - ats.init_ms.p50,
        )?;
    }
    if let (Some(at_init), Some(at_first)) = (
        get_post(Backing::Dynamodb),
        get_post(Backing::DynamodbConnectAtFirstCall),
    ) {
        writeln!(
            out,
            "\nEach function opens its connection to DynamoDB during init. `get-post` that way: init {:.2} ms, first call {:.2} ms, {:.2} ms in all; with the connection left to the first call (the row `{}`): init {:.2} ms ({:.2}× the floor), first call {:.2} ms, {:.2} ms in all. {}",
            at_init.init_ms.p50,
            at_init.first_invocation_ms.p50,
            at_init.init_and_first_ms.p50,
            Backing::DynamodbConnectAtFirstCall,
            at_first.init_ms.p50,
            at_first.init_ms.p50 / hello.init_ms.p50,
            at_first.first_invocation_ms.p50,
            at_first.init_and_first_ms.p50,
            opened(at_init, at_first),
        )?;
    }
    if let (Some(tls), Some(plain)) = (
        get_post(Backing::DynamodbConnectAtFirstCall),
        get_post(Backing::DynamodbPlain),
    ) {
        writeln!(
            out,
            "\nOver plain HTTP (the row `{}`) that first call takes {:.2} ms: the TLS connection costs the first call {:.2} ms at this machine's full CPU, most of it the TLS library seeding its random number generator (the memory-size table below times that alone). A warm call reuses the connection ({:.3} ms over TLS against {:.3} ms; the TLS path also crosses the endpoint that terminates TLS in front of moto, one more hop on this machine).",
            Backing::DynamodbPlain,
            plain.first_invocation_ms.p50,
            tls.first_invocation_ms.p50 - plain.first_invocation_ms.p50,
            tls.warm_ms.p50,
            plain.warm_ms.p50,
        )?;
    }
    Ok(out)
}

/// Which of init and the first call opened the connections, as the endpoint counted them.
fn opened(at_init: &FunctionResult, at_first: &FunctionResult) -> String {
    match (at_init.opened_connections, at_first.opened_connections) {
        (Some(a), Some(b)) => format!(
            "The endpoint counted the connections: {} opened during {} inits and {} during the first calls when init opens it; {} during init and {} during the first calls when the first call does.",
            a.in_init, at_init.init_ms.n, a.in_first_call, b.in_init, b.in_first_call
        ),
        _ => String::new(),
    }
}

fn container(results: &Results) -> Result<String, std::fmt::Error> {
    let c = &results.container;
    let mut out = format!(
        "Process start to the first `200` on `/health`: p50 {:.2} ms, p90 {:.2} ms, max {:.2} ms ({} starts).\n\n",
        c.start_to_health_ms.p50,
        c.start_to_health_ms.p90,
        c.start_to_health_ms.max,
        c.start_to_health_ms.n
    );
    out.push_str("| request | store | requests/s | p50 | p99 | server CPU per request | server memory after | failed |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for load in c.loads.iter().chain([&c.hello]) {
        writeln!(
            out,
            "| `{}` | {} | {:.0} | {:.3} ms | {:.3} ms | {:.1} µs | {:.1} MiB | {} |",
            load.name,
            load.store,
            load.requests_per_second,
            load.p50_ms,
            load.p99_ms,
            load.cpu_us_per_request,
            load.rss_kib_after as f64 / 1024.0,
            load.failures
        )?;
    }
    let first = c
        .loads
        .first()
        .map(|l| (l.connections, l.seconds))
        .unwrap_or_default();
    writeln!(
        out,
        "\n`wrk`, {} connections ({} against moto, which answers from one Python process), {} s per row, one thread on one core; the server pinned to the other core. Against the hello-world server, `GET /blog/{{id}}` on the memory store ran in {} alternating rounds ({}): the median of the rounds' ratios is {:.2}.",
        first.0,
        c.loads
            .iter()
            .find(|l| l.store == Backing::Dynamodb)
            .map(|l| l.connections)
            .unwrap_or_default(),
        first.1,
        c.ratio_rounds.len(),
        c.ratio_rounds
            .iter()
            .map(|r| format!("{:.0} against {:.0} requests/s", r.ours_rps, r.hello_rps))
            .collect::<Vec<_>>()
            .join("; "),
        c.ratio_to_hello
    )?;
    let read = |store: Backing| {
        c.loads
            .iter()
            .find(|l| l.name == "GET /blog/{id}" && l.store == store)
            .map(|l| l.cpu_us_per_request)
    };
    let spread = round_spread(&c.ratio_rounds);
    if let (Some(quiet), Some(logged)) = (read(Backing::Memory), read(Backing::MemoryAccessLog)) {
        let finding = match told_apart(logged, quiet, spread) {
            Some(share) => format!(
                "the log line is {:.0}% of its work per request (beyond {})",
                share * 100.0,
                spread_words(spread)
            ),
            None => format!(
                "a difference this run cannot tell from noise ({})",
                spread_words(spread)
            ),
        };
        writeln!(
            out,
            "\nWith the access log on (one line per request to standard error, here `/dev/null`), `GET /blog/{{id}}` on the memory store costs the server {logged:.1} µs of CPU instead of {quiet:.1} µs: {finding}. Every other row runs with the log off, as the ceiling has none.",
        )?;
    }
    if let (Some(tls), Some(plain)) = (read(Backing::Dynamodb), read(Backing::DynamodbPlain)) {
        let finding = match told_apart(tls, plain, spread) {
            Some(share) => format!(
                "The difference, {:+.1} µs ({:+.0}%, beyond {}), is encrypting each call on a kept connection less opening a connection for each.",
                tls - plain,
                share * 100.0,
                spread_words(spread)
            ),
            None => format!(
                "This run cannot tell encrypting each call on a kept connection from opening a connection for each ({}).",
                spread_words(spread)
            ),
        };
        writeln!(
            out,
            "\nOver TLS on connections kept open, as DynamoDB's endpoint keeps them, `GET /blog/{{id}}` costs the server {tls:.1} µs of CPU; straight to moto, over plain HTTP with a new connection for every call, {plain:.1} µs. {finding}",
        )?;
    }
    Ok(out)
}

// ANCHOR: spread
/// The run's own spread: the ceiling measures the same row (`GET /blog/{id}` on the memory
/// store) in alternating rounds, and its throughput moves between them by this share of their
/// median. `None` with fewer than two rounds: one round shows no spread.
pub fn round_spread(rounds: &[RatioRound]) -> Option<f64> {
    if rounds.len() < 2 {
        return None;
    }
    let mut rps: Vec<f64> = rounds.iter().map(|round| round.ours_rps).collect();
    rps.sort_by(f64::total_cmp);
    let median = rps[rps.len() / 2];
    Some((rps[rps.len() - 1] - rps[0]) / median)
}

/// How much more `a` is than `b`, as a share of the larger, when the difference is larger than
/// the run's `spread`; `None` when the run cannot tell them apart (or has no spread to judge by).
pub fn told_apart(a: f64, b: f64, spread: Option<f64>) -> Option<f64> {
    let share = (a - b) / a.abs().max(b.abs());
    spread.filter(|spread| share.abs() > *spread).map(|_| share)
}

/// The spread, in the words a sentence of the report gives it.
fn spread_words(spread: Option<f64>) -> String {
    match spread {
        Some(spread) => format!(
            "the {:.0}% by which the same row's throughput moved between the ceiling's rounds",
            spread * 100.0
        ),
        None => "one round of the ceiling shows no spread to judge a difference by".to_owned(),
    }
}
// ANCHOR_END: spread

/// One target of the chapter: what it asks, what was measured, and whether it is met.
struct Target {
    what: &'static str,
    measured: String,
    met: bool,
}

/// The chapter's targets against this run's figures.
fn targets(results: &Results) -> Result<String, std::fmt::Error> {
    let mut rows = Vec::new();
    let floor = results.hello_function.init_ms.p50;
    // The plain-HTTP row's init is a function's init as on AWS: no connection yet, and no file
    // of roots to read (the TLS rows read one, to trust the harness's own root).
    if let Some(own) = measured(&results.functions, "get-post", Backing::DynamodbPlain) {
        rows.push(Target {
            what: "`get-post`'s own init (no connection, no file of roots), p50: within 1.5× of the hello-world floor",
            measured: format!("{:.2}×", own.init_ms.p50 / floor),
            met: own.init_ms.p50 <= 1.5 * floor,
        });
    }
    let own_init = |name: &str| {
        measured(
            &results.functions,
            name,
            Backing::DynamodbConnectAtFirstCall,
        )
        .map(|f| f.init_ms.p50)
    };
    if let (Some(one), Some(single)) = (own_init("all-routes"), own_init("get-post")) {
        rows.push(Target {
            what: "the one function's init (connection left to the first call), p50: within 1.2× of a single-route function's",
            measured: format!("{one:.2} ms against {single:.2} ms: {:.2}×", one / single),
            met: one <= 1.2 * single,
        });
    }
    let warm =
        |name: &str| measured(&results.functions, name, Backing::Dynamodb).map(|f| f.warm_ms.p50);
    if let (Some(adapter), Some(one)) = (warm(ADAPTER_FUNCTION_NAME), warm("all-routes")) {
        rows.push(Target {
            what: "the web adapter's warm invocation, p50: within 0.5 ms of the one function's",
            measured: format!(
                "{adapter:.3} ms against {one:.3} ms: {:+.3} ms",
                adapter - one
            ),
            met: adapter - one <= 0.5,
        });
    }
    if let Some(smallest) = results.memory_curve.first() {
        let (before, after) = (
            smallest
                .first_call_connects_init_at_full_cpu
                .init_and_first_ms
                .p50,
            smallest.init_at_full_cpu.init_and_first_ms.p50,
        );
        rows.push(Target {
            what: "at the smallest size, with init at full CPU, the first caller's wait: shorter with the connection opened during init",
            measured: format!(
                "{} MB: {after:.1} ms against {before:.1} ms by the first call",
                smallest.memory_mb
            ),
            met: after < before,
        });
    }
    for size in &results.sizes.functions {
        rows.push(Target {
            what: "each function's zip: under 3 MB",
            measured: format!("`{}.zip`: {:.2} MB", size.name, size.zip_bytes as f64 / 1e6),
            met: size.zip_bytes < 3_000_000,
        });
    }
    rows.push(Target {
        what: "the server's static binary: under 10 MB",
        measured: format!("{:.2} MB", results.sizes.server_binary_bytes as f64 / 1e6),
        met: results.sizes.server_binary_bytes < 10_000_000,
    });
    if let Some(image) = results.sizes.image_bytes {
        rows.push(Target {
            what: "the image: under 15 MB",
            measured: format!("{:.2} MB", image as f64 / 1e6),
            met: image < 15_000_000,
        });
    }
    let c = &results.container;
    rows.push(Target {
        what: "`GET /blog/{id}` on the memory store: at least 0.8 of the hello-world server",
        measured: format!("{:.2}", c.ratio_to_hello),
        met: c.ratio_to_hello >= 0.8,
    });
    for load in c.loads.iter().filter(|l| l.name.starts_with("GET")) {
        rows.push(Target {
            what: "the server's memory under read load: under 20 MB",
            measured: format!(
                "`{}` on {}: {:.1} MiB",
                load.name,
                load.store,
                load.rss_kib_after as f64 / 1024.0
            ),
            met: load.rss_kib_after < 20 * 1024,
        });
    }
    rows.push(Target {
        what: "process start to the first `200`: under 50 ms",
        measured: format!(
            "p50 {:.2} ms, max {:.2} ms",
            c.start_to_health_ms.p50, c.start_to_health_ms.max
        ),
        met: c.start_to_health_ms.max < 50.0,
    });
    let mut out = String::from("| target | measured | met |\n|---|---|---|\n");
    for row in rows {
        writeln!(
            out,
            "| {} | {} | {} |",
            row.what,
            row.measured,
            if row.met { "yes" } else { "**no**" }
        )?;
    }
    Ok(out)
}

fn memory(results: &Results) -> Result<String, std::fmt::Error> {
    let mut out = String::from(
        "| memory | CPU share (given) | init, at the share | init, at full CPU | first call | init + first call, init at the share | init + first call, init at full CPU | warm p50 | warm p99 | Lambda's price of a million warm calls | of a million cold starts |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for point in &results.memory_curve {
        let share = &point.init_at_share;
        let full = &point.init_at_full_cpu;
        writeln!(
            out,
            "| {} MB | {:.1}% ({:.1}%) | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} ms | {:.2} ms | ${:.3} | ${:.2} |",
            point.memory_mb,
            point.cpu_share * 100.0,
            point.effective_share * 100.0,
            share.init_ms.p50,
            full.init_ms.p50,
            share.first_invocation_ms.p50,
            share.init_and_first_ms.p50,
            full.init_and_first_ms.p50,
            share.warm_ms.p50,
            share.warm_ms.p99,
            point.per_million_warm,
            point.per_million_cold,
        )?;
    }
    if let Some(first) = results.memory_curve.first() {
        writeln!(
            out,
            "\n`get-post` on DynamoDB over TLS, p50 of {} cold starts per size and assumption and {} warm calls, each process held to the memory size's share of one CPU by the kernel (throttled in {} periods at {} MB); in brackets, the share the kernel really gave CPU-bound work (`sha256sum`) against a whole core. Prices are Lambda's own (arm64, requests and duration rounded up to the millisecond), without API Gateway's.",
            first.init_at_share.init_ms.n,
            first.init_at_share.warm_ms.n,
            first.init_at_share.throttled_periods,
            first.memory_mb,
        )?;
    }
    let budget = ch06_infrastructure::settings::COLD_START_BUDGET_VS_ONE_VCPU;
    let curve = &results.memory_curve;
    let waits: Vec<(u32, f64)> = curve
        .iter()
        .map(|p| (p.memory_mb, p.init_at_share.init_and_first_ms.p50))
        .collect();
    let chosen = crate::cpu_share::choose_memory(&waits, budget);
    let point = |mb: u32| curve.iter().find(|p| p.memory_mb == mb);
    if let (Some(chosen), Some(smallest), Some(one_vcpu)) = (
        chosen.and_then(point),
        curve.first(),
        point(crate::cpu_share::ONE_VCPU_MB),
    ) {
        let wait = |p: &SizePoint| p.init_at_share.init_and_first_ms.p50;
        writeln!(
            out,
            "\n<!-- ANCHOR: choice -->\nThe smallest size whose first caller waits at most {budget:.0}× as long as at one vCPU ({:.0} ms at {} MB in this run, so at most {:.0} ms) is **{} MB**: its cold start is {:.0} ms against {:.0} ms at {} MB, for ${:.3} more per million warm calls (${:.3} against ${:.3}).\n<!-- ANCHOR_END: choice -->",
            wait(one_vcpu),
            one_vcpu.memory_mb,
            budget * wait(one_vcpu),
            chosen.memory_mb,
            wait(chosen),
            wait(smallest),
            smallest.memory_mb,
            chosen.per_million_warm - smallest.per_million_warm,
            chosen.per_million_warm,
            smallest.per_million_warm,
        )?;
    }
    Ok(out)
}

/// The second table of the curve: what the first caller waits for with the connection opened by
/// the first call or during init, under each assumption about init's CPU, and what the TLS
/// library's first random bytes cost at the share.
fn connection(results: &Results) -> Result<String, std::fmt::Error> {
    let mut out = String::from(
        "| memory | connection by the first call, init at the share | connection during init, init at the share | connection by the first call, init at full CPU | connection during init, init at full CPU | the TLS library's first random bytes, at the share |\n|---:|---:|---:|---:|---:|---:|\n",
    );
    for point in &results.memory_curve {
        writeln!(
            out,
            "| {} MB | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            point.memory_mb,
            point
                .first_call_connects_init_at_share
                .init_and_first_ms
                .p50,
            point.init_at_share.init_and_first_ms.p50,
            point
                .first_call_connects_init_at_full_cpu
                .init_and_first_ms
                .p50,
            point.init_at_full_cpu.init_and_first_ms.p50,
            point.first_random_ms.p50,
        )?;
    }
    if let Some(first) = results.memory_curve.first() {
        writeln!(
            out,
            "\nThe first caller's wait (init + first call) of `get-post` on DynamoDB over TLS, p50 of {} cold starts per cell; the random bytes, p50 of {} runs of a program that asks AWS-LC for 32 bytes and exits.",
            first.init_at_share.init_and_first_ms.n, first.first_random_ms.n,
        )?;
        writeln!(
            out,
            "\nAt {} MB, opening the connection during init changes the first caller's wait from {:.1} ms to {:.1} ms if init runs at the share, and from {:.1} ms to {:.1} ms if init gets a whole core; the random bytes alone take {:.1} ms at the share.",
            first.memory_mb,
            first
                .first_call_connects_init_at_share
                .init_and_first_ms
                .p50,
            first.init_at_share.init_and_first_ms.p50,
            first
                .first_call_connects_init_at_full_cpu
                .init_and_first_ms
                .p50,
            first.init_at_full_cpu.init_and_first_ms.p50,
            first.first_random_ms.p50,
        )?;
    }
    Ok(out)
}

/// Chapter 10's comparison: a function per route (`get-post`), one function for every route
/// (`all-routes`) and the container's server through the Lambda Web Adapter (`web-adapter`),
/// answering the same read.
fn between(results: &Results) -> Result<String, std::fmt::Error> {
    let find = |name: &str, store: Backing| measured(&results.functions, name, store);
    let mut out = String::from(
        "| shape | function | init, connection during init | init, connection by the first call | first call | init + first call | warm p50 | warm p99 | peak memory | package |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let shapes = [
        ("a function per route", "get-post"),
        ("one function for every route", "all-routes"),
    ];
    let mib = |kib: u64| kib as f64 / 1024.0;
    let mut own_inits = Vec::new();
    for (shape, name) in shapes {
        let (Some(shipped), Some(first_call)) = (
            find(name, Backing::Dynamodb),
            find(name, Backing::DynamodbConnectAtFirstCall),
        ) else {
            continue;
        };
        own_inits.push(first_call.init_ms.p50);
        writeln!(
            out,
            "| {shape} | `{name}` | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.3} ms | {:.3} ms | {:.1} MiB | {} |",
            shipped.init_ms.p50,
            first_call.init_ms.p50,
            shipped.first_invocation_ms.p50,
            shipped.init_and_first_ms.p50,
            shipped.warm_ms.p50,
            shipped.warm_ms.p99,
            mib(shipped.peak_rss_kib),
            package_of(results, name),
        )?;
    }
    // The server opens its connection at its first request, as in its container: one init.
    let adapter = find(ADAPTER_FUNCTION_NAME, Backing::Dynamodb);
    if let Some(adapter) = adapter {
        writeln!(
            out,
            "| the container's server through the Lambda Web Adapter | `{ADAPTER_FUNCTION_NAME}` | | {:.2} ms | {:.2} ms | {:.2} ms | {:.3} ms | {:.3} ms | {:.1} MiB | {} |",
            adapter.init_ms.p50,
            adapter.first_invocation_ms.p50,
            adapter.init_and_first_ms.p50,
            adapter.warm_ms.p50,
            adapter.warm_ms.p99,
            mib(adapter.peak_rss_kib),
            package_of(results, ADAPTER_FUNCTION_NAME),
        )?;
    }
    writeln!(
        out,
        "\nEach reads `GET /blog/{{id}}` from DynamoDB over TLS on this machine's full CPU, p50 of {} cold starts and {} warm calls each (chapter 9's harness, the same run as its tables). The package is the zip Lambda gets (for the web adapter, its zip and the adapter's layer), built for arm64 as `cargo xtask package` ships it; peak memory is every process of the execution environment together.",
        results.hello_function.init_ms.n, results.hello_function.warm_ms.n
    )?;
    if let [single, one] = own_inits[..] {
        writeln!(
            out,
            "\nThe one function's own init (its connection left to the first call) is {:.2}× the single-route function's ({:+.2} ms).",
            one / single,
            one - single
        )?;
    }
    if let Some(adapter) = adapter
        && let Some(parts) = &adapter.init_parts
    {
        writeln!(
            out,
            "\nThe web adapter's init, p50 of each part: the adapter's start to its registration {:.2} ms, the server's start to its start-up line {:.2} ms, and the readiness check until both have asked for their next event {:.2} ms.",
            parts.extension_ms.p50, parts.server_start_ms.p50, parts.readiness_ms.p50
        )?;
        if let Some(one) = find("all-routes", Backing::Dynamodb) {
            writeln!(
                out,
                "Warm, it answers in {:+.3} ms against the one function (p50).",
                adapter.warm_ms.p50 - one.warm_ms.p50
            )?;
        }
    }
    Ok(out)
}

/// The zipped bytes Lambda gets for `function`: its zip, and the adapter's layer for the web
/// adapter; empty when the package was not measured.
fn package_of(results: &Results, function: &str) -> String {
    let Some(zip) = results.sizes.functions.iter().find(|f| f.name == function) else {
        return String::new();
    };
    let layers: u64 = if function == ADAPTER_FUNCTION_NAME {
        results.sizes.layers.iter().map(|l| l.zip_bytes).sum()
    } else {
        0
    };
    format!("{:.2} MB", (zip.zip_bytes + layers) as f64 / 1e6)
}

fn sizes(results: &Results) -> Result<String, std::fmt::Error> {
    let s = &results.sizes;
    let mut out = String::from("| artifact | bytes | executable inside |\n|---|---:|---:|\n");
    for size in &s.functions {
        writeln!(
            out,
            "| `{}.zip` | {} | {} |",
            size.name, size.zip_bytes, size.binary_bytes
        )?;
    }
    for layer in &s.layers {
        writeln!(
            out,
            "| `layers/{}.zip` | {} | {} |",
            layer.name, layer.zip_bytes, layer.binary_bytes
        )?;
    }
    writeln!(
        out,
        "| `blog-server` (static, arm64) | {} | |",
        s.server_binary_bytes
    )?;
    match s.image_bytes {
        Some(bytes) => writeln!(out, "| the image (compressed, as pushed) | {bytes} | |")?,
        None => writeln!(out, "| the image | not measured (no buildah) | |")?,
    }
    Ok(out)
}

fn cost(results: &Results) -> Result<String, std::fmt::Error> {
    let c = &results.cost;
    let show = |rps: Option<f64>| match rps {
        Some(rps) => format!(
            "{rps:.1} requests a second ({:.1} million a month)",
            rps * 3600.0 * 730.0 / 1e6
        ),
        None => "none below 10,000 requests a second".to_owned(),
    };
    let shape_label = |name: &str| match name {
        ADAPTER_FUNCTION_NAME => "the web adapter",
        _ => "one function for every route",
    };
    let mut out = format!(
        "<!-- ANCHOR: crossover -->\n- with API Gateway's REST API (the stack's): the containers cost less above **{}**;\n- with an HTTP API instead: above {}.\n<!-- ANCHOR_END: crossover -->\n\n",
        show(c.crossover_rest_rps),
        show(c.crossover_http_api_rps)
    );
    out.push_str("<!-- ANCHOR: shapes -->\n");
    for shape in &c.shapes {
        writeln!(
            out,
            "- {} (`{}`, {:.2} ms a call, {}): the containers cost less above {}.",
            shape_label(&shape.name),
            shape.name,
            shape.function_ms,
            shape.door,
            show(shape.crossover_rps)
        )?;
    }
    out.push_str("<!-- ANCHOR_END: shapes -->\n\n");
    out.push_str("<!-- ANCHOR: table -->\n| requests a second | functions (REST API) | functions (HTTP API) |");
    for shape in &c.shapes {
        write!(out, " {} ({}) |", shape_label(&shape.name), shape.door)?;
    }
    out.push_str(" containers |\n|---:|---:|---:|");
    for _ in &c.shapes {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for point in c
        .curve
        .iter()
        .filter(|point| [0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0].contains(&point.requests_per_second))
    {
        write!(
            out,
            "| {} | ${:.2} | ${:.2} |",
            point.requests_per_second, point.functions_rest, point.functions_http_api,
        )?;
        for dollars in &point.shapes {
            write!(out, " ${dollars:.2} |")?;
        }
        writeln!(out, " ${:.2} |", point.containers)?;
    }
    writeln!(
        out,
        "\nMonthly, in dollars, without the DynamoDB table (the same for all). Assumes {} ms per function call billed at {} MB (chapter 10's shapes: that, plus the difference between their warm call and `get-post`'s in this run), {:.3} ms of server CPU per request (measured here), {} bytes per request through the load balancer, and a new connection per request. A function URL adds no charge of its own. Init is left out for every shape: it is billed once per execution environment, not per request.",
        c.workload.function_ms,
        ch06_infrastructure::settings::FUNCTION_MEMORY_MB,
        c.workload.cpu_ms_per_request,
        c.workload.bytes_per_request
    )?;
    out.push_str("<!-- ANCHOR_END: table -->\n");
    // What moves the crossover, with this run's init at the stack's memory size.
    let memory = ch06_infrastructure::settings::FUNCTION_MEMORY_MB;
    let init_ms = results
        .memory_curve
        .iter()
        .find(|point| point.memory_mb == memory)
        .map_or(0.0, |point| point.init_at_share.init_ms.p50);
    write!(
        out,
        "\n<!-- ANCHOR: assumptions -->\n{}<!-- ANCHOR_END: assumptions -->\n",
        crate::cost::assumptions_table(c.workload.cpu_ms_per_request, init_ms)
    )?;
    Ok(out)
}

pub(crate) const BLUE: RGBColor = RGBColor(70, 110, 170);
pub(crate) const ORANGE: RGBColor = RGBColor(230, 150, 60);

/// One bar of a horizontal bar chart: its label, and its segments `(from, to, colour)`.
pub(crate) type Bar = (String, Vec<(f64, f64, RGBColor)>);

/// A horizontal bar chart, one labelled bar a row, each bar made of coloured segments.
pub(crate) fn bar_chart(
    path: &Path,
    caption: &str,
    x_desc: &str,
    label_width: u32,
    bars: &[Bar],
) -> Result<()> {
    let max = bars
        .iter()
        .flat_map(|(_, segments)| segments.iter().map(|(_, to, _)| *to))
        .fold(0.0, f64::max)
        * 1.15;
    let root = SVGBackend::new(path, (760, 360)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..max, (0..bars.len()).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&|segment| match segment {
            SegmentValue::CenterOf(index) => bars
                .get(*index)
                .map(|bar| bar.0.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc(x_desc)
        .draw()?;
    for (index, (_, segments)) in bars.iter().enumerate() {
        chart.draw_series(segments.iter().map(|(from, to, colour)| {
            Rectangle::new(
                [
                    (*from, SegmentValue::Exact(index)),
                    (*to, SegmentValue::Exact(index + 1)),
                ],
                colour.filled(),
            )
        }))?;
    }
    root.present()?;
    Ok(())
}

fn cold_start_chart(results: &Results, path: &Path) -> Result<()> {
    let bars: Vec<Bar> = results
        .functions
        .iter()
        .chain([&results.hello_function])
        .map(|f| {
            let (init, first) = (f.init_ms.p50, f.first_invocation_ms.p50);
            (
                format!("{} ({})", f.name, f.store),
                vec![(0.0, init, BLUE), (init, init + first, ORANGE)],
            )
        })
        .collect();
    bar_chart(
        path,
        "Cold start, p50: init, then the first invocation (ms)",
        "milliseconds",
        190,
        &bars,
    )
}

fn throughput_chart(results: &Results, path: &Path) -> Result<()> {
    let c = &results.container;
    let bars: Vec<Bar> = c
        .loads
        .iter()
        .chain([&c.hello])
        .map(|l| {
            (
                format!("{} ({})", l.name, l.store),
                vec![(0.0, l.requests_per_second, BLUE)],
            )
        })
        .collect();
    bar_chart(
        path,
        "The server under wrk: requests per second",
        "requests per second",
        250,
        &bars,
    )
}

fn cost_chart(results: &Results, path: &Path) -> Result<()> {
    let curve = &results.cost.curve;
    let max_rps = curve
        .last()
        .map(|point| point.requests_per_second)
        .unwrap_or(30.0);
    let max_dollars = curve
        .iter()
        .map(|p| {
            p.shapes.iter().fold(
                p.functions_rest.max(p.functions_http_api).max(p.containers),
                |a, b| a.max(*b),
            )
        })
        .fold(0.0, f64::max)
        * 1.1;
    let root = SVGBackend::new(path, (760, 400)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Monthly cost against steady traffic", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..max_rps, 0.0..max_dollars)?;
    chart
        .configure_mesh()
        .x_desc("requests per second")
        .y_desc("dollars a month")
        .draw()?;
    type Dollars = Box<dyn Fn(&CostPoint) -> f64>;
    let mut series: Vec<(String, RGBColor, u32, Dollars)> = vec![
        (
            "functions, REST API".to_owned(),
            RGBColor(70, 110, 170),
            3,
            Box::new(|p| p.functions_rest),
        ),
        (
            "functions, HTTP API".to_owned(),
            RGBColor(120, 170, 220),
            3,
            Box::new(|p| p.functions_http_api),
        ),
    ];
    // Chapter 10's shapes in the demo page's colours, thin: they run close to the functions.
    // Behind a function URL, each in the page's colour for that door, thicker.
    for (i, shape) in results.cost.shapes.iter().enumerate() {
        let (label, color) = match shape.name.as_str() {
            ADAPTER_FUNCTION_NAME => ("the web adapter", RGBColor(122, 46, 138)),
            _ => ("one function for every route", RGBColor(59, 79, 160)),
        };
        let behind_url = shape.door == Door::FunctionUrl.name();
        let (color, width) = match (behind_url, shape.name.as_str()) {
            (false, _) => (color, 1),
            (true, ADAPTER_FUNCTION_NAME) => (color, 2),
            (true, _) => (RGBColor(0, 96, 122), 2),
        };
        series.push((
            format!("{label}, {}", shape.door),
            color,
            width,
            Box::new(move |p| p.shapes.get(i).copied().unwrap_or(0.0)),
        ));
    }
    series.push((
        "containers".to_owned(),
        RGBColor(230, 150, 60),
        3,
        Box::new(|p| p.containers),
    ));
    for (label, color, width, dollars) in series {
        chart
            .draw_series(LineSeries::new(
                curve.iter().map(|p| (p.requests_per_second, dollars(p))),
                color.stroke_width(width),
            ))?
            .label(label)
            .legend(legend_line(color, width));
    }
    if let Some(rps) = results
        .cost
        .crossover_rest_rps
        .filter(|rps| *rps <= max_rps)
    {
        chart.draw_series([PathElement::new(
            vec![(rps, 0.0), (rps, max_dollars)],
            BLACK.stroke_width(1),
        )])?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Duration and price against memory size, as AWS Lambda Power Tuning draws them: the first
/// caller's wait and a warm call's duration on the left (log scale), the price of a million
/// warm calls on the right.
fn memory_chart(results: &Results, path: &Path) -> Result<()> {
    let curve = &results.memory_curve;
    let most_ms = curve
        .iter()
        .map(|p| p.init_at_share.init_and_first_ms.p50)
        .fold(1.0, f64::max)
        * 2.0;
    let least_ms = curve
        .iter()
        .map(|p| p.init_at_share.warm_ms.p50)
        .fold(f64::INFINITY, f64::min)
        .min(1.0)
        / 2.0;
    let most_dollars = curve.iter().map(|p| p.per_million_warm).fold(0.0, f64::max) * 1.3;
    let root = SVGBackend::new(path, (760, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "get-post at each memory size's CPU share: duration and price",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .right_y_label_area_size(60)
        .build_cartesian_2d((100.0..2000.0).log_scale(), (least_ms..most_ms).log_scale())?
        .set_secondary_coord((100.0..2000.0).log_scale(), 0.0..most_dollars.max(0.01));
    chart
        .configure_mesh()
        .x_desc("memory size (MB)")
        .y_desc("milliseconds (p50)")
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc("dollars per million warm calls")
        .draw()?;
    type Ms = fn(&SizePoint) -> f64;
    let durations: [(&str, RGBColor, Ms); 3] = [
        (
            "init + first call, init at the share",
            RGBColor(200, 80, 60),
            |p| p.init_at_share.init_and_first_ms.p50,
        ),
        (
            "init + first call, init at full CPU",
            RGBColor(240, 160, 120),
            |p| p.init_at_full_cpu.init_and_first_ms.p50,
        ),
        ("warm call", RGBColor(70, 110, 170), |p| {
            p.init_at_share.warm_ms.p50
        }),
    ];
    for (label, color, ms) in durations {
        chart
            .draw_series(LineSeries::new(
                curve.iter().map(|p| (f64::from(p.memory_mb), ms(p))),
                color.stroke_width(3),
            ))?
            .label(label)
            .legend(legend_line(color, 3));
    }
    let price = RGBColor(60, 150, 80);
    chart
        .draw_secondary_series(LineSeries::new(
            curve
                .iter()
                .map(|p| (f64::from(p.memory_mb), p.per_million_warm)),
            price.stroke_width(2),
        ))?
        .label("price of a million warm calls (right)")
        .legend(legend_line(price, 2));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// A legend's sample: a short line in the series' colour and width.
fn legend_line(
    color: RGBColor,
    width: u32,
) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> + 'static {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(width))
}

#[cfg(test)]
mod committed {
    use std::path::Path;

    use super::{read_results, write_pages};

    /// A tool is named by its name and version, never by the banner its `--version` prints.
    #[test]
    fn a_tool_is_its_name_and_version() {
        use super::named_version;
        let wrk = "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer";
        assert_eq!(named_version("wrk", wrk), "wrk 4.1.0");
        let rustc = "rustc 1.95.0 (59807616e 2026-04-14)";
        assert_eq!(named_version("rustc", rustc), "rustc 1.95.0");
        assert_eq!(named_version("moto", "5.2.5"), "moto 5.2.5");
        assert_eq!(named_version("wrk", "not found"), "wrk not found");
    }

    /// A difference within the run's own spread is not stated as a finding.
    #[test]
    fn a_difference_is_a_finding_only_beyond_the_runs_spread() {
        use super::{RatioRound, round_spread, told_apart};
        let rounds: Vec<RatioRound> = [90.0, 100.0, 105.0]
            .map(|ours_rps| RatioRound {
                ours_rps,
                hello_rps: 120.0,
            })
            .to_vec();
        // (105 - 90) / 100: the rounds moved by 15%.
        let spread = round_spread(&rounds);
        assert!((spread.unwrap() - 0.15).abs() < 1e-9);
        // 7% (a rerun's "-7%") is within it; 40% is not.
        assert_eq!(told_apart(93.0, 100.0, spread), None);
        assert!((told_apart(100.0, 60.0, spread).unwrap() - 0.4).abs() < 1e-9);
        // One round judges nothing.
        assert_eq!(round_spread(&rounds[..1]), None);
        assert_eq!(told_apart(100.0, 10.0, None), None);
    }

    /// The book's measurement pages, its charts and the targets file are what this code writes
    /// from the committed figures: none is typed by hand, and none is left behind when the
    /// report's code changes (`cargo xtask bench --render` writes them again).
    #[test]
    fn the_measurement_pages_are_the_report_of_the_committed_results() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let committed = root.join("../../book/src/measurements");
        let results = read_results(&committed.join("results.json"))
            .expect("the committed figures are a run's results");
        let out = std::env::temp_dir().join(format!("ch09-report-{}", std::process::id()));
        // The pages read the figures from the folder they are written to, as in the book.
        std::fs::create_dir_all(&out).expect("the report's folder");
        std::fs::copy(committed.join("results.json"), out.join("results.json")).expect("copy");
        write_pages(&results, &out, &out.join("TARGETS.md")).expect("the report");
        let mut stale = Vec::new();
        for entry in std::fs::read_dir(&out).expect("the report's folder") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().expect("a name").to_owned();
            let against = if name == "TARGETS.md" {
                root.join("TARGETS.md")
            } else {
                committed.join(&name)
            };
            if std::fs::read(&path).ok() != std::fs::read(&against).ok() {
                stale.push(against.display().to_string());
            }
        }
        if stale.is_empty() {
            std::fs::remove_dir_all(&out).expect("remove the report");
        }
        assert_eq!(
            stale,
            Vec::<String>::new(),
            "not what the report writes from results.json: run `cargo xtask bench --render`"
        );
    }
}
