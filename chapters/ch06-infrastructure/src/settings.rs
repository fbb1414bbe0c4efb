//! The deployment's own numbers: what the stack gives each function and the task. They live
//! here, next to the tests that check them against the code they must agree with, and reach the
//! stack through the description.

// ANCHOR: settings
/// Each function's memory, and with it its share of a CPU (Lambda gives CPU in proportion to
/// memory: one vCPU at 1,769 MB). Chosen by chapter 9's curve: the smallest size whose first
/// caller waits at most [`COLD_START_BUDGET_VS_ONE_VCPU`] times as long as at one vCPU. A warm
/// call costs about the same at every size (it mostly waits on DynamoDB); what memory buys is
/// the cold start's first TLS connection, which at 128 MB's 7% of a CPU takes most of the wait.
pub const FUNCTION_MEMORY_MB: u32 = 512;
/// The longest a cold start may keep its first caller waiting, init and the first call together
/// (init at the memory size's share, as chapter 9 measures it), as a multiple of the same wait
/// at one vCPU. A multiple rather than milliseconds: it means the same on any machine the curve
/// is measured on, where a figure in milliseconds moves with the machine's speed from one run to
/// the next. A cold start meets about one request in a hundred, so this bounds the tail a client
/// sees against the best the function could do.
pub const COLD_START_BUDGET_VS_ONE_VCPU: f64 = 3.0;
/// Each function's timeout: above the DynamoDB client's 12 s bound, so a slow store ends in the
/// contract's `503` rather than Lambda's "Task timed out" (a `502` from API Gateway); below API
/// Gateway's integration timeout (29 s, AWS's, which chapter 3's local gateway models), so the
/// function, not the gateway, decides what the client hears.
pub const FUNCTION_TIMEOUT_SECS: u64 = 20;
pub use ch03_functions::local_gateway::INTEGRATION_TIMEOUT_SECS as API_GATEWAY_TIMEOUT_SECS;
/// The task's size: a quarter of a vCPU and 512 MiB, the smallest Fargate task.
pub const TASK_CPU_UNITS: u32 = 256;
pub const TASK_MEMORY_MIB: u32 = 512;
/// How long the load balancer keeps sending in-flight requests to a task it is deregistering
/// before ECS stops it (the target group's default is 300 s). Longer than any request can take
/// (a body may take 10 s to arrive, a store call 12 s).
pub const DEREGISTRATION_DELAY_SECS: u64 = 30;
/// How long ECS waits after SIGTERM before SIGKILL. The server's shutdown grace (20 s) fits in
/// it with time to exit.
pub const STOP_TIMEOUT_SECS: u64 = 30;
/// How long the load balancer keeps an idle connection to a task open (60 s, its default). It must
/// be shorter than the server's own idle timeout (chapter 4's, 75 s), or the load balancer may send
/// a request on a connection the server has just closed.
pub const LOAD_BALANCER_IDLE_TIMEOUT_SECS: u64 = 60;
// ANCHOR_END: settings

/// The time limits the local API Gateway applies to run the functions as the stack does.
pub fn local_gateway_limits() -> ch03_functions::local_gateway::Limits {
    local_gateway_limits_for(ch03_functions::local_gateway::Door::RestApi)
}

/// [`local_gateway_limits`] behind another front door: the stack's function timeout, and that
/// door's own integration timeout.
pub fn local_gateway_limits_for(
    door: ch03_functions::local_gateway::Door,
) -> ch03_functions::local_gateway::Limits {
    ch03_functions::local_gateway::Limits::for_door(
        door,
        std::time::Duration::from_secs(FUNCTION_TIMEOUT_SECS),
    )
}

// Checked when the crate compiles: a change that breaks one of these orders does not build.
const _: () = {
    use ch04_container::config::{DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_SHUTDOWN_GRACE_SECS};
    assert!(FUNCTION_TIMEOUT_SECS < API_GATEWAY_TIMEOUT_SECS);
    assert!(DEFAULT_SHUTDOWN_GRACE_SECS < STOP_TIMEOUT_SECS);
    assert!(LOAD_BALANCER_IDLE_TIMEOUT_SECS < DEFAULT_IDLE_TIMEOUT_SECS);
};

#[cfg(test)]
mod tests {
    use super::*;
    use ch04_container::config::DEFAULT_BODY_TIMEOUT_SECS;

    #[test]
    fn the_function_timeout_sits_between_the_store_bound_and_the_gateway() {
        let store_bound = ch02_dynamodb::client::timeouts()
            .operation_timeout()
            .expect("the client bounds every operation")
            .as_secs();
        assert!(store_bound < FUNCTION_TIMEOUT_SECS, "{store_bound} s");
    }

    #[test]
    fn a_draining_task_has_time_to_finish_its_longest_request() {
        let longest_request = ch02_dynamodb::client::timeouts()
            .operation_timeout()
            .unwrap()
            .as_secs()
            + DEFAULT_BODY_TIMEOUT_SECS;
        assert!(longest_request < DEREGISTRATION_DELAY_SECS);
    }
}
