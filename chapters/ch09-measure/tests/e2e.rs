//! The harness runs end to end on debug builds: a few cold starts and invocations of every
//! function (on moto), a second of load on every server route, the sizes and the report. No
//! figure is asserted (debug builds measure nothing worth reading); every answer must be 2xx and
//! every report file written. `cargo xtask bench` is the real run, on release builds.

use std::path::PathBuf;

use ch09_measure::backing::Backing;
use ch09_measure::functions::OpenedConnections;
use ch09_measure::run::{Options, run};

/// Where `cargo test` put the binaries of this workspace (get-posts, blog-server, ...): next to
/// this package's own.
fn bin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hello-function"))
        .parent()
        .expect("a folder")
        .to_path_buf()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_runs_and_every_answer_is_2xx() {
    for binary in [
        "get-posts",
        "get-post",
        "create-post",
        "delete-post",
        "blog-server",
        "hello-server",
        "first-random",
        "all-routes",
    ] {
        assert!(
            bin_dir().join(binary).exists(),
            "no {binary} in {}: `cargo test --workspace` builds it",
            bin_dir().display()
        );
    }
    let package_dir = std::env::var_os("BLOG_PACKAGE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/package"));
    let options = Options {
        bin_dir: bin_dir(),
        package_dir,
        quick: true,
        adapter: std::env::var_os("LAMBDA_ADAPTER").map(PathBuf::from).expect(
            "LAMBDA_ADAPTER is not set: `cargo xtask test` builds the Lambda Web Adapter and sets it",
        ),
    };
    let results = run(&options).await.expect("the harness runs");
    for function in results.functions.iter().chain([&results.hello_function]) {
        assert!(function.answers > 0, "{}", function.name);
        assert_eq!(
            function.answers_2xx, function.answers,
            "{} on {}",
            function.name, function.store
        );
    }
    for load in results
        .container
        .loads
        .iter()
        .chain([&results.container.hello])
    {
        assert!(load.requests > 0, "{}", load.name);
        assert_eq!(load.failures, 0, "{} on {}", load.name, load.store);
    }
    // Each cold start of `get-post` opened one connection to the store's endpoint: during init
    // as it ships, during the first call when told to leave it.
    for (store, during_init) in [
        (Backing::Dynamodb, true),
        (Backing::DynamodbConnectAtFirstCall, false),
    ] {
        let get_post = results
            .functions
            .iter()
            .find(|f| f.name == "get-post" && f.store == store)
            .expect("get-post was measured");
        let cold_starts = get_post.init_ms.n as u64;
        let expected = match during_init {
            true => OpenedConnections {
                in_init: cold_starts,
                in_first_call: 0,
            },
            false => OpenedConnections {
                in_init: 0,
                in_first_call: cold_starts,
            },
        };
        assert_eq!(
            get_post.opened_connections,
            Some(expected),
            "get-post on {store}"
        );
    }
    // Chapter 10's web adapter ran as Lambda runs it: its init came in three parts, each measured.
    let web_adapter = results
        .functions
        .iter()
        .find(|f| f.name == "web-adapter")
        .expect("the web adapter was measured");
    let parts = web_adapter.init_parts.as_ref().expect("its init's parts");
    assert_eq!(parts.extension_ms.n, web_adapter.init_ms.n);
    assert!(
        parts.extension_ms.p50 > 0.0 && parts.server_start_ms.p50 > 0.0,
        "{parts:?}"
    );
    assert!(
        parts.extension_ms.max + parts.server_start_ms.max + parts.readiness_ms.max
            >= web_adapter.init_ms.min,
        "{parts:?} against {:?}",
        web_adapter.init_ms
    );
    assert_eq!(results.sizes.layers.len(), 1, "{:?}", results.sizes);

    // The quick run measures one memory size's share: the kernel held the function to it.
    let point = results.memory_curve.first().expect("one memory size");
    assert!(
        point.init_at_share.throttled_periods > 0,
        "the share never bit: {point:?}"
    );
    for result in [
        &point.init_at_share,
        &point.init_at_full_cpu,
        &point.first_call_connects_init_at_share,
        &point.first_call_connects_init_at_full_cpu,
    ] {
        assert_eq!(result.answers_2xx, result.answers, "{result:?}");
    }
    assert!(point.first_random_ms.n > 0 && point.first_random_ms.p50 > 0.0);
    let out = std::env::temp_dir().join(format!("bench-smoke-{}", std::process::id()));
    ch09_measure::report::write(&results, &out, &out.join("TARGETS.md")).expect("the report");
    for file in [
        "results.json",
        "functions.md",
        "container.md",
        "sizes.md",
        "memory.md",
        "connection.md",
        "between.md",
        "memory.svg",
        "cost.md",
        "cold-starts.svg",
        "throughput.svg",
        "cost.svg",
        "views.md",
        "TARGETS.md",
    ] {
        assert!(out.join(file).exists(), "no {file}");
    }
}

/// `bench-deployed` finds what it reads on AWS through the template the deploy synthesized: the
/// door behind each URL (for CloudWatch's metrics) and the functions it starts cold. Both are
/// checked here against this stack's template, so a change to the stack that moves them fails
/// here rather than in a reader's run.
#[test]
fn what_the_deployed_bench_reads_is_in_the_stacks_template() {
    use std::collections::HashMap;

    let template = ch06_infrastructure::template::Template::load().expect("the template");
    let json = template.json();
    let stack = ch06_infrastructure::template::STACK;
    // Each resource's physical id, as CloudFormation would give it.
    let physical: HashMap<String, String> = json["Resources"]
        .as_object()
        .unwrap()
        .keys()
        .map(|logical| {
            let id = if logical.starts_with("ContainersServiceLB") {
                format!("arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/{logical}/0123")
            } else {
                format!("{logical}-physical")
            };
            (logical.clone(), id)
        })
        .collect();
    let urls: Vec<(String, String)> = [
        (
            "FunctionsURL",
            "https://a.execute-api.eu-west-1.amazonaws.com/Prod/",
        ),
        (
            "AllRoutesURL",
            "https://b.execute-api.eu-west-1.amazonaws.com/Prod/",
        ),
        (
            "WebAdapterURL",
            "https://c.execute-api.eu-west-1.amazonaws.com/Prod/",
        ),
        (
            "HttpApiURL",
            "https://d.execute-api.eu-west-1.amazonaws.com/",
        ),
        (
            "AllRoutesFunctionURL",
            "https://e.lambda-url.eu-west-1.on.aws/",
        ),
        ("ContainersURL", "http://blog.eu-west-1.elb.amazonaws.com/"),
    ]
    .map(|(key, url)| (key.to_owned(), url.to_owned()))
    .into();
    let doors = ch09_measure::server_side::doors(json, &urls, &physical).unwrap();
    let found: Vec<(&str, &str, &str)> = doors
        .iter()
        .map(|d| (d.key.as_str(), d.namespace, d.dimensions[0].0.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("FunctionsURL", "AWS/ApiGateway", "ApiName"),
            ("AllRoutesURL", "AWS/ApiGateway", "ApiName"),
            ("WebAdapterURL", "AWS/ApiGateway", "ApiName"),
            ("HttpApiURL", "AWS/ApiGateway", "ApiId"),
            ("AllRoutesFunctionURL", "AWS/Lambda", "FunctionName"),
            ("ContainersURL", "AWS/ApplicationELB", "LoadBalancer"),
        ]
    );
    // The REST APIs by the names the stack gives them.
    assert_eq!(doors[0].dimensions[0].1, format!("{stack}-functions"));
    assert_eq!(doors[0].dimensions[1].1, "Prod");
    // The function whose Duration prices the month.
    let duration = ch09_measure::server_side::function_duration(
        json,
        &physical,
        stack,
        "get-post",
        "Functions/get-post",
    )
    .unwrap();
    assert!(
        duration.dimensions[0].1.starts_with("Functionsgetpost"),
        "{duration:?}"
    );
    // The container's cluster, service and target group, each found once.
    let service = ch09_measure::task_start::resolve(json, &physical).unwrap();
    assert!(
        service.cluster.starts_with("ContainersCluster"),
        "{service:?}"
    );
    assert!(
        service.service.starts_with("ContainersService"),
        "{service:?}"
    );
    assert!(service.target_group.contains("ECSGroup"), "{service:?}");
    // Every function started cold, its log group and its alias, under the construct path the run
    // looks for.
    let paths: Vec<&str> = json["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|r| r["Metadata"]["aws:cdk:path"].as_str())
        .collect();
    for (name, path, ..) in ch09_measure::cold_on_aws::COLD_FUNCTIONS {
        for part in ["Function", "Logs", "Live"] {
            let wanted = format!("{stack}/{path}/{part}/Resource");
            assert!(paths.contains(&wanted.as_str()), "{name}: no {wanted}");
        }
    }
}
