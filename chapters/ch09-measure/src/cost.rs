//! What each variant costs a month, as a function of its traffic, from chapter 6's prices. The
//! table they share (DynamoDB) costs the same for both and is left out.

use ch06_infrastructure::prices::{
    ALB_HOUR, ALB_LCU_HOUR, API_GATEWAY_REST_REQUEST, FARGATE_ARM_GB_HOUR, FARGATE_ARM_VCPU_HOUR,
    LAMBDA_ARM_GB_SECOND, LAMBDA_REQUEST, LOAD_BALANCER_ADDRESSES, PUBLIC_IPV4_HOUR,
};
use ch06_infrastructure::settings::{FUNCTION_MEMORY_MB, TASK_CPU_UNITS, TASK_MEMORY_MIB};
use serde::Serialize;

/// AWS prices a month as 730 hours.
pub const HOURS_PER_MONTH: f64 = 730.0;

// ANCHOR: workload
/// The traffic and what each request takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

// ANCHOR: functions
/// The GB-seconds Lambda bills one invocation of `duration_ms` at `memory_mb`: the duration
/// rounded up to the millisecond, times the memory in GB.
pub fn gb_seconds(duration_ms: f64, memory_mb: u32) -> f64 {
    (duration_ms.ceil() / 1000.0) * (f64::from(memory_mb) / 1024.0)
}

/// The functions: per request (Lambda and API Gateway) and per GB-second of running.
pub fn functions_monthly(workload: &Workload) -> Bill {
    let requests = workload.requests_per_month();
    let gb_seconds = requests * gb_seconds(workload.function_ms, FUNCTION_MEMORY_MB);
    Bill {
        parts: vec![
            ("Lambda requests", requests * LAMBDA_REQUEST.dollars),
            ("Lambda duration", gb_seconds * LAMBDA_ARM_GB_SECOND.dollars),
            (
                "API Gateway requests",
                requests * workload.api_gateway_per_request,
            ),
        ],
    }
}
// ANCHOR_END: functions

/// Lambda's own price of a million invocations of `duration_ms` each at `memory_mb`: requests
/// and duration, without the front door's.
pub fn lambda_per_million(duration_ms: f64, memory_mb: u32) -> f64 {
    1e6 * (LAMBDA_REQUEST.dollars
        + gb_seconds(duration_ms, memory_mb) * LAMBDA_ARM_GB_SECOND.dollars)
}

/// How many tasks the service runs for this traffic: at least one, and enough that none is
/// busier than the scaling target.
pub fn tasks_needed(workload: &Workload) -> u32 {
    let vcpu = f64::from(TASK_CPU_UNITS) / 1024.0;
    let busy = workload.requests_per_second * workload.cpu_ms_per_request / 1000.0;
    ((busy / (vcpu * TASK_CPU_TARGET)).ceil() as u32).max(1)
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

// ANCHOR: containers
/// The containers: tasks, the load balancer and its capacity units, and public IPv4 addresses,
/// all by the hour, whether requests come or not.
pub fn containers_monthly(workload: &Workload) -> Bill {
    let tasks = f64::from(tasks_needed(workload));
    let task_hour = f64::from(TASK_CPU_UNITS) / 1024.0 * FARGATE_ARM_VCPU_HOUR.dollars
        + f64::from(TASK_MEMORY_MIB) / 1024.0 * FARGATE_ARM_GB_HOUR.dollars;
    let addresses = f64::from(LOAD_BALANCER_ADDRESSES) + tasks;
    Bill {
        parts: vec![
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
        ],
    }
}
// ANCHOR_END: containers

/// The request rate above which the containers cost less than the functions, if there is one
/// below `max_rps` (found by bisection: the difference grows with the rate).
pub fn crossover(base: &Workload, max_rps: f64) -> Option<f64> {
    let cheaper_as_functions = |rps: f64| {
        let workload = Workload {
            requests_per_second: rps,
            ..*base
        };
        functions_monthly(&workload).total() < containers_monthly(&workload).total()
    };
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

#[cfg(test)]
mod tests {
    use super::*;

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
