//! What each variant costs a month, as a function of its traffic, from chapter 6's prices. The
//! table they share (DynamoDB) costs the same for both and is left out.

use ch06_infrastructure::prices::{
    ALB_HOUR, ALB_LCU_HOUR, API_GATEWAY_REST_REQUEST, CLOUDWATCH_LOGS_INGESTED_GB,
    EC2_M7G_XLARGE_HOUR, FARGATE_ARM_GB_HOUR, FARGATE_ARM_VCPU_HOUR, LAMBDA_ARM_GB_SECOND,
    LAMBDA_REQUEST, LOAD_BALANCER_ADDRESSES, MANAGED_INSTANCES_FEE,
    PROVISIONED_CONCURRENCY_ARM_GB_SECOND, PROVISIONED_DURATION_ARM_GB_SECOND, PUBLIC_IPV4_HOUR,
    always_free,
};
use ch06_infrastructure::settings::{FUNCTION_MEMORY_MB, TASK_CPU_UNITS, TASK_MEMORY_MIB};
use serde::{Deserialize, Serialize};

pub use ch06_infrastructure::prices::HOURS_PER_MONTH;

// ANCHOR: workload
/// The traffic and what each request takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Steady requests per second, all month.
    pub requests_per_second: f64,
    /// How long a function runs per request (Lambda bills it rounded up to the millisecond).
    pub function_ms: f64,
    /// The server's CPU time per request: how many requests one task can carry.
    pub cpu_ms_per_request: f64,
    /// Bytes the load balancer carries per request, both ways.
    pub bytes_per_request: f64,
    /// API Gateway's price per request: the REST API's, or the cheaper HTTP API's to compare.
    pub api_gateway_per_request: f64,
}
// ANCHOR_END: workload

/// The highest CPU use the service's scaling aims for (chapter 6's stack scales at 60%).
pub const TASK_CPU_TARGET: f64 = 0.6;

impl Workload {
    pub fn requests_per_month(&self) -> f64 {
        self.requests_per_second * 3600.0 * HOURS_PER_MONTH
    }
}

/// A monthly bill, part by part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub parts: Vec<(&'static str, f64)>,
}

impl Bill {
    pub fn total(&self) -> f64 {
        self.parts.iter().map(|(_, dollars)| dollars).sum()
    }
}

/// The GB-seconds Lambda bills one invocation of `duration_ms` at `memory_mb`: the duration
/// rounded up to the millisecond, times the memory in GB.
pub fn gb_seconds(duration_ms: f64, memory_mb: u32) -> f64 {
    (duration_ms.ceil() / 1000.0) * (f64::from(memory_mb) / 1024.0)
}

/// The functions: per request (Lambda and API Gateway) and per GB-second of running, as the
/// stack is deployed ([`functions_assuming`] with [`Assumptions::AS_DEPLOYED`]).
pub fn functions_monthly(workload: &Workload) -> Bill {
    functions_assuming(workload, &Assumptions::AS_DEPLOYED)
}

/// Lambda's own price of a million invocations of `duration_ms` each at `memory_mb`: requests
/// and duration, without the front door's.
pub fn lambda_per_million(duration_ms: f64, memory_mb: u32) -> f64 {
    1e6 * (LAMBDA_REQUEST.dollars
        + gb_seconds(duration_ms, memory_mb) * LAMBDA_ARM_GB_SECOND.dollars)
}

/// How many tasks the service runs for this traffic: at least one, and enough that none is
/// busier than the scaling target.
pub fn tasks_needed(workload: &Workload) -> u32 {
    tasks_assuming(workload, &Assumptions::AS_DEPLOYED)
}

/// [`tasks_needed`], for tasks of `assumed`'s size, and at least its `min_tasks`.
fn tasks_assuming(workload: &Workload, assumed: &Assumptions) -> u32 {
    let vcpu = f64::from(assumed.task_cpu_units) / 1024.0;
    let busy = workload.requests_per_second * workload.cpu_ms_per_request / 1000.0;
    ((busy / (vcpu * TASK_CPU_TARGET)).ceil() as u32).max(assumed.min_tasks)
}

/// Load balancer capacity units an hour: the largest of its dimensions. Assumes every request
/// opens a connection (clients that keep connections open use fewer) and that rule
/// evaluations stay within the free ten.
pub fn lcus(workload: &Workload) -> f64 {
    let rps = workload.requests_per_second;
    let new_connections = rps / 25.0;
    let active_connections = rps * 60.0 / 3000.0;
    let gigabytes_an_hour = rps * 3600.0 * workload.bytes_per_request / 1e9;
    new_connections
        .max(active_connections)
        .max(gigabytes_an_hour)
}

/// The containers: tasks, the load balancer and its capacity units, and public IPv4 addresses,
/// all by the hour, whether requests come or not.
pub fn containers_monthly(workload: &Workload) -> Bill {
    containers_assuming(workload, &Assumptions::AS_DEPLOYED)
}

// ANCHOR: containers
/// The containers under `assumed`: tasks, the load balancer and its capacity units, public IPv4
/// addresses, all by the hour whether requests come or not, and the logs of the requests.
pub fn containers_assuming(workload: &Workload, assumed: &Assumptions) -> Bill {
    let tasks = f64::from(tasks_assuming(workload, assumed));
    let task_hour = f64::from(assumed.task_cpu_units) / 1024.0 * FARGATE_ARM_VCPU_HOUR.dollars
        + f64::from(assumed.task_memory_mib) / 1024.0 * FARGATE_ARM_GB_HOUR.dollars;
    let addresses = f64::from(LOAD_BALANCER_ADDRESSES) + tasks;
    let mut parts = vec![
        ("Fargate tasks", tasks * task_hour * HOURS_PER_MONTH),
        ("load balancer", ALB_HOUR.dollars * HOURS_PER_MONTH),
        (
            "load balancer capacity",
            lcus(workload) * ALB_LCU_HOUR.dollars * HOURS_PER_MONTH,
        ),
        (
            "public IPv4 addresses",
            addresses * PUBLIC_IPV4_HOUR.dollars * HOURS_PER_MONTH,
        ),
    ];
    if assumed.container_log_bytes > 0.0 {
        parts.push((
            "CloudWatch Logs",
            logs_dollars(workload, assumed.container_log_bytes, assumed),
        ));
    }
    Bill { parts }
}
// ANCHOR_END: containers

// ANCHOR: warm
/// How the functions' execution environments are kept: what Lambda does by default, or kept
/// ready ahead of the requests, which ends cold starts and bills by the hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeping {
    /// Lambda starts environments as requests come and bills each request (the stack's).
    OnDemand,
    /// Provisioned concurrency: this many environments of each function kept initialized, billed
    /// for every second they are configured; the requests they serve are billed at a lower
    /// duration price. One environment serves one request at a time.
    Provisioned { environments_per_function: u32 },
    /// Lambda Managed Instances: the functions run on EC2 instances Lambda manages in your account,
    /// several requests at once per environment; you pay the instances, a fee on their price,
    /// and the requests, and no duration.
    ManagedInstances { instances: u32 },
}

/// The stack's functions, one per endpoint.
pub const FUNCTIONS: u32 = 4;

/// Lambda's default fleet of Managed Instances: three, one per Availability Zone.
pub const MANAGED_INSTANCES_DEFAULT: u32 = 3;

/// The functions' bill for `workload`, kept as `keeping`.
pub fn functions_kept(workload: &Workload, keeping: Keeping) -> Bill {
    let requests = workload.requests_per_month();
    let per_call = gb_seconds(workload.function_ms, FUNCTION_MEMORY_MB);
    let seconds = HOURS_PER_MONTH * 3600.0;
    let front_door = (
        "API Gateway requests",
        requests * workload.api_gateway_per_request,
    );
    match keeping {
        Keeping::OnDemand => functions_monthly(workload),
        Keeping::Provisioned {
            environments_per_function,
        } => {
            let kept_gb = f64::from(FUNCTIONS * environments_per_function)
                * (f64::from(FUNCTION_MEMORY_MB) / 1024.0);
            Bill {
                parts: vec![
                    (
                        "provisioned concurrency",
                        kept_gb * seconds * PROVISIONED_CONCURRENCY_ARM_GB_SECOND.dollars,
                    ),
                    ("Lambda requests", requests * LAMBDA_REQUEST.dollars),
                    (
                        "Lambda duration",
                        requests * per_call * PROVISIONED_DURATION_ARM_GB_SECOND.dollars,
                    ),
                    front_door,
                ],
            }
        }
        Keeping::ManagedInstances { instances } => {
            let instances = f64::from(instances) * EC2_M7G_XLARGE_HOUR.dollars * HOURS_PER_MONTH;
            Bill {
                parts: vec![
                    ("EC2 instances", instances),
                    ("management fee", instances * MANAGED_INSTANCES_FEE.dollars),
                    ("Lambda requests", requests * LAMBDA_REQUEST.dollars),
                    front_door,
                ],
            }
        }
    }
}
// ANCHOR_END: warm

/// The request rate above which the containers cost less than the functions, if there is one
/// below `max_rps` (found by bisection: the difference grows with the rate).
pub fn crossover(base: &Workload, max_rps: f64) -> Option<f64> {
    crossover_kept(base, Keeping::OnDemand, max_rps)
}

/// [`crossover`], for functions kept as `keeping`: `Some(0.0)` when the containers cost less at
/// every rate.
pub fn crossover_kept(base: &Workload, keeping: Keeping, max_rps: f64) -> Option<f64> {
    crossover_with(base, |w| functions_kept(w, keeping).total(), max_rps)
}

/// [`crossover`], with `functions` as the functions' month at a workload (chapter 12 adds what
/// tracing costs to it).
pub fn crossover_with(
    base: &Workload,
    functions: impl Fn(&Workload) -> f64,
    max_rps: f64,
) -> Option<f64> {
    crossover_with_both(base, functions, |w| containers_monthly(w).total(), max_rps)
}

/// [`crossover_with`], with the containers' month as a function too.
fn crossover_with_both(
    base: &Workload,
    functions: impl Fn(&Workload) -> f64,
    containers: impl Fn(&Workload) -> f64,
    max_rps: f64,
) -> Option<f64> {
    let cheaper_as_functions = |rps: f64| {
        let workload = Workload {
            requests_per_second: rps,
            ..*base
        };
        functions(&workload) < containers(&workload)
    };
    if !cheaper_as_functions(0.0) {
        return Some(0.0);
    }
    if cheaper_as_functions(max_rps) {
        return None;
    }
    let (mut low, mut high) = (0.0, max_rps);
    for _ in 0..60 {
        let middle = (low + high) / 2.0;
        if cheaper_as_functions(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some((low + high) / 2.0)
}

// ANCHOR: assumptions
/// What the month of each variant leaves out as the stack is deployed, each of which moves the
/// crossover when you add it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assumptions {
    /// The fewest tasks the service runs (the stack: one; two keep it up when an Availability
    /// Zone is not).
    pub min_tasks: u32,
    /// A task's size, in CPU units (1,024 a vCPU) and MiB.
    pub task_cpu_units: u32,
    pub task_memory_mib: u32,
    /// Bytes of logs CloudWatch Logs ingests per request: the functions' (our line, Lambda's own
    /// records of each invocation, API Gateway's access log line) and the container's (our line).
    pub function_log_bytes: f64,
    pub container_log_bytes: f64,
    /// Whether the allowances every account gets free each month are taken off.
    pub always_free: bool,
    /// The share of requests that meet a cold start, and the init each of those bills.
    pub cold_start_share: f64,
    pub init_ms: f64,
}

impl Assumptions {
    /// The stack as deployed, as the model prices it: one task of chapter 6's size, no logs, no
    /// free allowances, no init.
    pub const AS_DEPLOYED: Self = Self {
        min_tasks: 1,
        task_cpu_units: TASK_CPU_UNITS,
        task_memory_mib: TASK_MEMORY_MIB,
        function_log_bytes: 0.0,
        container_log_bytes: 0.0,
        always_free: false,
        cold_start_share: 0.0,
        init_ms: 0.0,
    };
}
// ANCHOR_END: assumptions

/// What a month of logs costs at `bytes` a request, less the free allowance if `assumed` takes
/// it off.
fn logs_dollars(workload: &Workload, bytes: f64, assumed: &Assumptions) -> f64 {
    let mut gb = workload.requests_per_month() * bytes / 1e9;
    if assumed.always_free {
        gb = (gb - always_free::LOGS_GB).max(0.0);
    }
    gb * CLOUDWATCH_LOGS_INGESTED_GB.dollars
}

// ANCHOR: functions
/// The functions under `assumed`: per request (Lambda and the front door), per GB-second of
/// running (init included on the cold starts `assumed` counts), less what every account gets
/// free, and the logs of the requests.
pub fn functions_assuming(workload: &Workload, assumed: &Assumptions) -> Bill {
    let requests = workload.requests_per_month();
    let mut billed_requests = requests;
    let mut gb_seconds = requests * gb_seconds(workload.function_ms, FUNCTION_MEMORY_MB)
        + requests * assumed.cold_start_share * gb_seconds(assumed.init_ms, FUNCTION_MEMORY_MB);
    if assumed.always_free {
        billed_requests = (billed_requests - always_free::LAMBDA_REQUESTS).max(0.0);
        gb_seconds = (gb_seconds - always_free::LAMBDA_GB_SECONDS).max(0.0);
    }
    let mut parts = vec![
        ("Lambda requests", billed_requests * LAMBDA_REQUEST.dollars),
        ("Lambda duration", gb_seconds * LAMBDA_ARM_GB_SECOND.dollars),
        (
            "API Gateway requests",
            requests * workload.api_gateway_per_request,
        ),
    ];
    if assumed.function_log_bytes > 0.0 {
        parts.push((
            "CloudWatch Logs",
            logs_dollars(workload, assumed.function_log_bytes, assumed),
        ));
    }
    Bill { parts }
}
// ANCHOR_END: functions

/// Where the containers start to cost less, under `assumed`.
pub fn crossover_assuming(base: &Workload, assumed: &Assumptions, max_rps: f64) -> Option<f64> {
    crossover_with_both(
        base,
        |w| functions_assuming(w, assumed).total(),
        |w| containers_assuming(w, assumed).total(),
        max_rps,
    )
}

/// Log bytes a request writes to CloudWatch Logs: on the functions' side our JSON line (about
/// 300 bytes), Lambda's `platform.start` and `platform.report` records in the JSON log format
/// (about 400 together) and API Gateway's access log line in the CDK's standard JSON fields
/// (about 200); on the container's, our line. Measure yours: CloudWatch's `IncomingBytes` of each
/// log group over a day, divided by the requests of that day.
pub const LOG_BYTES: (f64, f64) = (900.0, 300.0);

/// AWS's own analysis of production traffic: cold starts meet under 1% of invocations (the AWS
/// Compute Blog post on init billing, 29 April 2025, which chapter 9 cites).
pub const COLD_START_SHARE: f64 = 0.01;

/// One row of [`assumptions_table`]: what it adds, and how.
type Step<'a> = (&'a str, &'a dyn Fn(&mut Assumptions));

// ANCHOR: assumptions_table
/// What moves the crossover: the stack as the model prices it, then one assumption added per
/// row, each on top of the rows above, behind the REST API and behind an HTTP API.
/// `init_ms` is the init a cold start bills (a measured one); the log bytes and the share of cold
/// starts are [`LOG_BYTES`] and [`COLD_START_SHARE`].
pub fn assumptions_table(cpu_ms_per_request: f64, init_ms: f64) -> String {
    use ch06_infrastructure::prices::API_GATEWAY_HTTP_REQUEST;
    use std::fmt::Write as _;
    let rest = book_workload(cpu_ms_per_request);
    let http = Workload {
        api_gateway_per_request: API_GATEWAY_HTTP_REQUEST.dollars,
        ..rest
    };
    let mut assumed = Assumptions::AS_DEPLOYED;
    let steps: [Step<'_>; 6] = [
        (
            "the stack as the model prices it (one task; no logs, free allowances or init)",
            &|_| {},
        ),
        ("and a second task, in a second Availability Zone", &|a| {
            a.min_tasks = 2
        }),
        ("and CloudWatch Logs on both sides", &|a| {
            (a.function_log_bytes, a.container_log_bytes) = LOG_BYTES;
        }),
        ("and the allowances every account gets free", &|a| {
            a.always_free = true
        }),
        ("and init billed on every cold start", &|a| {
            a.cold_start_share = COLD_START_SHARE;
            a.init_ms = init_ms;
        }),
        ("and tasks of 0.5 vCPU and 1 GB", &|a| {
            a.task_cpu_units = 512;
            a.task_memory_mib = 1024;
        }),
    ];
    let mut out = String::from(
        "| assumption | REST API: the containers cost less above | HTTP API |\n|---|---:|---:|\n",
    );
    let rate = |found: Option<f64>| match found {
        Some(rps) => format!("{rps:.1} requests a second"),
        None => "no rate below 10,000 a second".to_owned(),
    };
    for (what, change) in steps {
        change(&mut assumed);
        let _ = writeln!(
            out,
            "| {what} | {} | {} |",
            rate(crossover_assuming(&rest, &assumed, 10_000.0)),
            rate(crossover_assuming(&http, &assumed, 10_000.0)),
        );
    }
    let _ = write!(
        out,
        "\nEach row adds one assumption to the rows above it. Logs: {:.0} bytes a request on the \
         functions' side (our line, Lambda's records of the invocation, API Gateway's access log \
         line), {:.0} on the container's (our line), at ${:.2} a GB. Free: Lambda's {:.0} million \
         requests and {:.0},000 GB-seconds a month and CloudWatch Logs' {:.0} GB, on each side. \
         Init: {:.0}% of requests meet a cold start, each billing {:.1} ms at {FUNCTION_MEMORY_MB} \
         MB.\n",
        LOG_BYTES.0,
        LOG_BYTES.1,
        CLOUDWATCH_LOGS_INGESTED_GB.dollars,
        always_free::LAMBDA_REQUESTS / 1e6,
        always_free::LAMBDA_GB_SECONDS / 1000.0,
        always_free::LOGS_GB,
        COLD_START_SHARE * 100.0,
        init_ms,
    );
    out
}
// ANCHOR_END: assumptions_table

/// The workload the book starts from: REST API prices, a function that runs 10 ms per request
/// (a DynamoDB call and our code, on AWS), 4 KB a request through the load balancer.
pub fn book_workload(cpu_ms_per_request: f64) -> Workload {
    Workload {
        requests_per_second: 0.0,
        function_ms: 10.0,
        cpu_ms_per_request,
        bytes_per_request: 4096.0,
        api_gateway_per_request: API_GATEWAY_REST_REQUEST.dollars,
    }
}

/// The server CPU time per request the table of [`keeping_table`] assumes: about what chapter 9
/// measures for the container (the crossover moves little with it while one task carries the load).
pub const KEEPING_CPU_MS: f64 = 0.5;

// ANCHOR: keeping_table
/// A month of each way of keeping the functions, beside the containers, at a few request rates,
/// behind the stack's REST API: a markdown table and the assumptions under it.
pub fn keeping_table() -> String {
    use std::fmt::Write as _;
    let base = book_workload(KEEPING_CPU_MS);
    let rates = [0.0, 1.0, 10.0, 100.0];
    let ways = [
        (
            "on demand (the stack's)",
            "on every new environment",
            Keeping::OnDemand,
        ),
        (
            "provisioned concurrency, one environment per function",
            "none while each function's traffic fits one environment",
            Keeping::Provisioned {
                environments_per_function: 1,
            },
        ),
        (
            "Lambda Managed Instances, three m7g.xlarge",
            "none while capacity lasts (traffic that more than doubles within 5 minutes may be throttled)",
            Keeping::ManagedInstances {
                instances: MANAGED_INSTANCES_DEFAULT,
            },
        ),
    ];
    let at = |rps: f64| Workload {
        requests_per_second: rps,
        ..base
    };
    let mut out = String::from(
        "| how the functions run | cold starts | no traffic | 1 request a second | 10 | 100 | the containers cost less above |\n|---|---|---:|---:|---:|---:|---|\n",
    );
    for (name, cold, keeping) in ways {
        let _ = write!(out, "| {name} | {cold} |");
        for rps in rates {
            let _ = write!(out, " ${:.2} |", functions_kept(&at(rps), keeping).total());
        }
        let crossover = match crossover_kept(&base, keeping, 10_000.0) {
            Some(0.0) => "every rate".to_owned(),
            Some(rps) => format!("{rps:.1} requests a second"),
            None => "no rate below 10,000 a second".to_owned(),
        };
        let _ = writeln!(out, " {crossover} |");
    }
    let _ = write!(
        out,
        "| the containers (for comparison) | none while tasks run |"
    );
    for rps in rates {
        let _ = write!(out, " ${:.2} |", containers_monthly(&at(rps)).total());
    }
    out.push_str(" |\n");
    let _ = write!(
        out,
        "\nMonthly, in dollars, us-east-1, arm64, without the DynamoDB table. The stack's {FUNCTIONS} \
         functions at {FUNCTION_MEMORY_MB} MB, {} ms a call, behind the REST API; the containers at \
         {KEEPING_CPU_MS} ms of server CPU a request (a round figure near what chapter 9 measures: \
         the crossover moves little with it while one task carries the load). One provisioned environment serves one request at a time: at {} ms a \
         call, up to {:.0} requests a second per function before Lambda starts on-demand environments \
         (with cold starts) beside it. Managed Instances: Lambda's default of {MANAGED_INSTANCES_DEFAULT} \
         instances, one per Availability Zone, of the type AWS's pricing example uses; more traffic \
         needs more instances, which this table does not add.\n",
        base.function_ms,
        base.function_ms,
        1000.0 / base.function_ms,
    );
    out
}
// ANCHOR_END: keeping_table

// ANCHOR: projection
/// Your month at a few steady request rates, by this model with the duration your functions
/// measured on AWS (`function_ms`, the `Duration` of their calls) in place of the model's
/// assumed one, behind each of the stack's doors, beside the containers at `cpu_ms_per_request`.
pub fn projection_table(function_ms: f64, cpu_ms_per_request: f64) -> String {
    use ch06_infrastructure::prices::{API_GATEWAY_HTTP_REQUEST, FUNCTION_URL_REQUEST};
    use std::fmt::Write as _;
    let base = Workload {
        function_ms,
        ..book_workload(cpu_ms_per_request)
    };
    let rates = [0.1, 1.0, 10.0, 100.0];
    let doors = [
        ("the functions, REST API", API_GATEWAY_REST_REQUEST.dollars),
        ("the functions, HTTP API", API_GATEWAY_HTTP_REQUEST.dollars),
        ("one function, function URL", FUNCTION_URL_REQUEST.dollars),
    ];
    let at = |door: f64, rps: f64| Workload {
        requests_per_second: rps,
        api_gateway_per_request: door,
        ..base
    };
    let mut out = String::from(
        "| variant | 0.1 request a second | 1 | 10 | 100 | the containers cost less above |\n|---|---:|---:|---:|---:|---|\n",
    );
    for (name, door) in doors {
        let _ = write!(out, "| {name} |");
        for rps in rates {
            let _ = write!(out, " ${:.2} |", functions_monthly(&at(door, rps)).total());
        }
        let crossover = match crossover(&at(door, 0.0), 10_000.0) {
            Some(rps) => format!("{rps:.1} requests a second"),
            None => "no rate below 10,000 a second".to_owned(),
        };
        let _ = writeln!(out, " {crossover} |");
    }
    let _ = write!(out, "| the containers |");
    for rps in rates {
        let _ = write!(out, " ${:.2} |", containers_monthly(&at(0.0, rps)).total());
    }
    out.push_str(" |\n");
    let _ = write!(
        out,
        "\nMonthly, in dollars, by chapter 6's prices (us-east-1, arm64), without the DynamoDB table: every call \
         {function_ms:.1} ms at {FUNCTION_MEMORY_MB} MB, the containers at {cpu_ms_per_request} ms of \
         server CPU a request.\n"
    );
    out
}
// ANCHOR_END: projection

#[cfg(test)]
mod tests {
    use super::*;

    /// The functions' month with X-Ray's traces (chapter 12's model: the default rule, the free
    /// tier) on top.
    fn traced_functions(workload: &Workload) -> f64 {
        functions_monthly(workload).total()
            + ch12_operating::tracing_setup::dollars_per_month(workload.requests_per_second)
    }

    // ANCHOR: tracing_cost_model
    /// Chapter 9's months with X-Ray's traces, priced per trace recorded, added to the functions (the
    /// containers record none: the load balancer samples nothing, and the server's spans go to the
    /// OTLP endpoint, which prices by volume). Tracing makes the functions dearer, so the containers
    /// cost less from a lower rate.
    #[test]
    fn tracing_through_the_cost_model() {
        use std::fmt::Write as _;
        let base = book_workload(KEEPING_CPU_MS);
        let at = |rps: f64| Workload {
            requests_per_second: rps,
            ..base
        };
        let mut table = String::from(
            "| requests a second | the functions | with their traces | the containers |\n|---:|---:|---:|---:|\n",
        );
        for rps in [0.1, 1.0, 10.0, 100.0] {
            let _ = writeln!(
                table,
                "| {rps} | ${:.2} | ${:.2} | ${:.2} |",
                functions_monthly(&at(rps)).total(),
                traced_functions(&at(rps)),
                containers_monthly(&at(rps)).total()
            );
        }
        let without = crossover_with(&base, |w| functions_monthly(w).total(), 1_000.0)
            .expect("a crossover below 1,000 requests a second");
        let with = crossover_with(&base, traced_functions, 1_000.0)
            .expect("a crossover below 1,000 requests a second");
        assert!(with < without, "tracing can only make the functions dearer");
        let _ = write!(
            table,
            "\nThe containers cost less above {without:.1} requests a second without tracing, \
             above {with:.1} with it.\n"
        );
        insta::assert_snapshot!("tracing_cost_model", table);
    }
    // ANCHOR_END: tracing_cost_model

    #[test]
    fn a_projection_from_a_measured_duration() {
        let table = projection_table(8.0, KEEPING_CPU_MS);
        // 8 ms rounds to a shorter bill than the model's 10: the functions' columns fall, the
        // containers' stay.
        let model = projection_table(10.0, KEEPING_CPU_MS);
        assert_ne!(table, model);
        insta::assert_snapshot!("projection", table);
    }

    #[test]
    fn the_ways_to_keep_the_functions() {
        insta::assert_snapshot!("keeping", keeping_table());
    }

    #[test]
    fn provisioned_concurrency_costs_what_a_hand_calculation_gives() {
        // Four functions, one environment each, 0.5 GB, all month, and no requests.
        let by_hand = 4.0 * 0.5 * 730.0 * 3600.0 * 0.000_003_333_4;
        let bill = functions_kept(
            &workload(0.0),
            Keeping::Provisioned {
                environments_per_function: 1,
            },
        );
        assert!((bill.total() - by_hand).abs() < 1e-9);
    }

    #[test]
    fn managed_instances_cost_three_instances_and_their_fee_with_no_traffic() {
        let by_hand = 3.0 * 0.1632 * 730.0 * 1.15;
        let bill = functions_kept(&workload(0.0), Keeping::ManagedInstances { instances: 3 });
        assert!((bill.total() - by_hand).abs() < 1e-9);
    }

    fn workload(rps: f64) -> Workload {
        Workload {
            requests_per_second: rps,
            ..book_workload(0.5)
        }
    }

    #[test]
    fn with_no_traffic_the_functions_cost_nothing_and_the_containers_their_idle_price() {
        assert_eq!(functions_monthly(&workload(0.0)).total(), 0.0);
        // 730 h x (load balancer 0.0225 + one task 0.25 x 0.03238 + 0.5 x 0.00356
        //          + three public IPv4 addresses 3 x 0.005)
        let by_hand = 730.0 * (0.0225 + 0.008_095 + 0.001_78 + 0.015);
        assert!((containers_monthly(&workload(0.0)).total() - by_hand).abs() < 1e-9);
    }

    #[test]
    fn one_request_a_second_as_functions_costs_what_a_hand_calculation_gives() {
        let requests = 3600.0 * 730.0; // 2,628,000
        let by_hand =
            requests * (0.20e-6 + 3.50e-6) + requests * 0.010 * (512.0 / 1024.0) * 0.000_013_333_4;
        assert!((functions_monthly(&workload(1.0)).total() - by_hand).abs() < 1e-6);
    }

    #[test]
    fn tasks_scale_with_cpu_time() {
        // A quarter vCPU at 60% carries 150 ms of CPU a second: 300 requests of 0.5 ms.
        assert_eq!(tasks_needed(&workload(300.0)), 1);
        assert_eq!(tasks_needed(&workload(301.0)), 2);
        assert_eq!(tasks_needed(&workload(0.0)), 1);
    }

    #[test]
    fn as_deployed_the_assumptions_add_nothing() {
        for rps in [0.0, 1.0, 10.0, 1000.0] {
            let at = workload(rps);
            let as_deployed = Assumptions::AS_DEPLOYED;
            assert_eq!(
                containers_assuming(&at, &as_deployed),
                containers_monthly(&at)
            );
            let functions = functions_assuming(&at, &as_deployed).total();
            assert!((functions - functions_monthly(&at).total()).abs() < 1e-9);
        }
    }

    #[test]
    fn a_second_task_moves_the_crossover_up_by_a_tasks_price() {
        let base = workload(0.0);
        let one = crossover(&base, 1000.0).expect("a crossover");
        let two = crossover_assuming(
            &base,
            &Assumptions {
                min_tasks: 2,
                ..Assumptions::AS_DEPLOYED
            },
            1000.0,
        )
        .expect("a crossover");
        // A task and its address: 730 h x (0.008095 + 0.00178 + 0.005) = $10.86 a month, over
        // about $9.7 a month per request a second behind the REST API.
        assert!((3.0..4.5).contains(&one), "{one}");
        assert!((two - one - 10.86 / 9.73).abs() < 0.1, "{one} -> {two}");
    }

    #[test]
    fn the_free_allowances_take_a_million_requests_off_the_functions() {
        let free = Assumptions {
            always_free: true,
            ..Assumptions::AS_DEPLOYED
        };
        // Below a million requests a month Lambda's own charges are nothing; API Gateway's stay.
        let quiet = workload(0.3); // 788,400 requests
        let bill = functions_assuming(&quiet, &free);
        assert_eq!(bill.parts[0].1, 0.0);
        assert_eq!(bill.parts[1].1, 0.0);
        assert!(bill.parts[2].1 > 0.0);
    }

    #[test]
    fn what_moves_the_crossover() {
        let table = assumptions_table(KEEPING_CPU_MS, 190.0);
        insta::assert_snapshot!("assumptions", table);
    }

    #[test]
    fn the_crossover_is_where_the_bills_meet() {
        let base = workload(0.0);
        let rps = crossover(&base, 1000.0).expect("a crossover");
        let at = Workload {
            requests_per_second: rps,
            ..base
        };
        let difference = functions_monthly(&at).total() - containers_monthly(&at).total();
        assert!(difference.abs() < 0.01, "{difference}");
        // About $34.58 of fixed cost over about $9.5 a month per request a second.
        assert!((3.0..4.5).contains(&rps), "{rps}");
    }
}
