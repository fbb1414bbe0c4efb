//! What the stack watches, and when it tells someone: one alarm per question an on-call person
//! asks of each variant, the thresholds with their reasons, and what to do when one fires. The
//! stack (chapter 6's CDK app) reads this through the description and builds the CloudWatch
//! alarms, the dashboard and the saved Logs Insights queries from it.

use serde::Serialize;

/// Which part of the deployment an alarm watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Watches {
    /// The functions behind the REST API (the four and chapter 11's export), and the API.
    Functions,
    /// The container's service and its load balancer.
    Containers,
    /// The table both share.
    Table,
}

/// The signal an alarm reads. The stack turns each into CloudWatch metrics of its own resources;
/// the namespace and metric names are AWS's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Signal {
    /// `AWS/ApiGateway` `5XXError`, whose average is the share of answers that were a 5xx.
    GatewayErrorRate,
    /// `AWS/ApiGateway` `Latency`, in milliseconds: from the request's arrival to the answer.
    GatewayLatency,
    /// `AWS/Lambda` `Errors`, summed over the functions: an invocation that failed (a crash,
    /// a timeout, running out of memory), not a 4xx or 5xx the handler chose to answer.
    FunctionErrors,
    /// `AWS/Lambda` `Throttles`, summed over the functions: invocations refused for want of
    /// concurrency.
    FunctionThrottles,
    /// The `initDurationMs` of the functions' `platform.report` log records, as a metric of the
    /// stack's own (a metric filter on each function's log group): how long a cold start's init
    /// took. Lambda has no metric of its own for it.
    InitDuration,
    /// `AWS/ApplicationELB` (`HTTPCode_Target_5XX_Count` + `HTTPCode_ELB_5XX_Count`) /
    /// (`RequestCount` + `HTTPCode_ELB_5XX_Count`): the share of answers that were a 5xx, the
    /// server's or the load balancer's (`RequestCount` leaves out what the load balancer answered
    /// before it chose a target).
    LoadBalancerErrorRate,
    /// `AWS/ApplicationELB` `TargetResponseTime`, in seconds: from the request leaving the load
    /// balancer to the task's answer's first byte.
    TargetResponseTime,
    /// `AWS/ApplicationELB` `HealthyHostCount` of the service's target group.
    HealthyTasks,
    /// `AWS/ECS` `CPUUtilization` of the service, as a share of the task's size.
    TaskCpu,
    /// `AWS/ECS` `MemoryUtilization` of the service.
    TaskMemory,
    /// `AWS/DynamoDB` `ReadThrottleEvents` + `WriteThrottleEvents` of the table and of its index.
    TableThrottles,
}

/// How a reading is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    GreaterThanThreshold,
    LessThanThreshold,
}

// ANCHOR: alarm
/// One alarm: a signal, the statistic of it that is compared, and when the comparison fires.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    /// The alarm's construct id, and the end of its name.
    pub id: &'static str,
    pub watches: Watches,
    pub signal: Signal,
    /// `Average`, `Sum`, `Minimum`, `Maximum` or a percentile (`p99`).
    pub statistic: &'static str,
    /// In the signal's own unit (a share from 0 to 1, milliseconds, seconds, a count, percent).
    pub threshold: f64,
    pub comparison: Comparison,
    pub period_seconds: u32,
    /// Fires when `datapoints_to_alarm` of the last `evaluation_periods` periods breach.
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    /// Whether a period with no data (no traffic) counts as fine; otherwise it counts as
    /// breaching.
    pub missing_data_is_fine: bool,
    /// What it means when it fires, and the first thing to do: the alarm's description.
    pub means: &'static str,
}
// ANCHOR_END: alarm

// ANCHOR: thresholds
/// The share of answers that may be a 5xx before someone is told: one in a hundred.
pub const ERROR_RATE: f64 = 0.01;
/// The slowest answer of a hundred may take this long before someone is told. A cold start and
/// its first connection to DynamoDB take a few hundred milliseconds (chapter 9); a p99 past a
/// second for a quarter of an hour is more than cold starts.
pub const P99_LATENCY_MS: f64 = 1000.0;
/// A cold start's init above this on average, for a quarter of an hour: init opens the
/// connection to DynamoDB, so a slow init is a slow network path or a larger binary.
pub const INIT_DURATION_MS: f64 = 1000.0;
/// The task's CPU or memory above this share of its size, for a quarter of an hour: time to give
/// it a larger size or a second task before requests queue.
pub const TASK_UTILISATION_PERCENT: f64 = 80.0;
/// Five minutes: CloudWatch's basic resolution for the services' own metrics is one minute, and
/// five smooth out single slow requests at low traffic.
pub const PERIOD_SECONDS: u32 = 300;
// ANCHOR_END: thresholds

/// Every alarm of the stack, the functions' first.
pub fn alarms() -> Vec<Alarm> {
    let sustained = |id, watches, signal, statistic, threshold, means| Alarm {
        id,
        watches,
        signal,
        statistic,
        threshold,
        comparison: Comparison::GreaterThanThreshold,
        period_seconds: PERIOD_SECONDS,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        missing_data_is_fine: true,
        means,
    };
    let any = |id, watches, signal, means| Alarm {
        id,
        watches,
        signal,
        statistic: "Sum",
        threshold: 0.0,
        comparison: Comparison::GreaterThanThreshold,
        period_seconds: PERIOD_SECONDS,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        missing_data_is_fine: true,
        means,
    };
    let error_rate = |id, watches, signal, means| Alarm {
        datapoints_to_alarm: 2,
        ..sustained(id, watches, signal, "Average", ERROR_RATE, means)
    };
    vec![
        error_rate(
            "FunctionsErrorRate",
            Watches::Functions,
            Signal::GatewayErrorRate,
            "More than 1 in 100 answers of the REST API were a 5xx in 2 of the last 3 five-minute periods. \
             Query 'errors by code' for the codes: store_unavailable is DynamoDB, internal is a bug; 5xx with no line at all are API Gateway's own (a function that failed or timed out).",
        ),
        sustained(
            "FunctionsP99Latency",
            Watches::Functions,
            Signal::GatewayLatency,
            "p99",
            P99_LATENCY_MS,
            "The slowest 1 in 100 answers of the REST API took over a second for 15 minutes. \
             Query 'slowest requests': a large store_ms is DynamoDB; a small one with a large gap to API Gateway's latency is cold starts (query 'cold starts').",
        ),
        any(
            "FunctionsErrors",
            Watches::Functions,
            Signal::FunctionErrors,
            "A function invocation failed (a crash, a timeout or out of memory): the handlers answer every error themselves, so this is never a 4xx or a 503. \
             Search the function's log group for the REPORT record with status error or timeout.",
        ),
        any(
            "FunctionsThrottles",
            Watches::Functions,
            Signal::FunctionThrottles,
            "Lambda refused invocations for want of concurrency (the account's or the function's limit), and API Gateway answered those callers with an error. \
             Check ConcurrentExecutions against the account's concurrency quota.",
        ),
        sustained(
            "FunctionsInitDuration",
            Watches::Functions,
            Signal::InitDuration,
            "Average",
            INIT_DURATION_MS,
            "Cold starts took over a second of init on average for 15 minutes. \
             Query 'cold starts'; init opens the connection to DynamoDB, so compare with the store's latency.",
        ),
        error_rate(
            "ContainersErrorRate",
            Watches::Containers,
            Signal::LoadBalancerErrorRate,
            "More than 1 in 100 answers through the load balancer were a 5xx in 2 of the last 3 five-minute periods. \
             Query 'errors by code': codes from the server's lines are ours; 5xx with no line are the load balancer's (no healthy task, or a task that closed the connection).",
        ),
        sustained(
            "ContainersP99Latency",
            Watches::Containers,
            Signal::TargetResponseTime,
            "p99",
            P99_LATENCY_MS / 1000.0,
            "The slowest 1 in 100 answers of the tasks took over a second for 15 minutes. \
             Query 'slowest requests' for store_ms; check the task's CPU, which queues requests when it is full.",
        ),
        Alarm {
            id: "ContainersNoHealthyTask",
            watches: Watches::Containers,
            signal: Signal::HealthyTasks,
            statistic: "Minimum",
            threshold: 1.0,
            comparison: Comparison::LessThanThreshold,
            period_seconds: 60,
            evaluation_periods: 2,
            datapoints_to_alarm: 2,
            // The load balancer reports its metrics only while requests flow: an idle blog sends
            // no data, and no data is no news.
            missing_data_is_fine: true,
            means: "No task passed the load balancer's health check for 2 minutes of traffic: the container variant is down. \
                    Look at the service's events in the ECS console (a task that fails to start, or fails /health), and the task's log group.",
        },
        sustained(
            "ContainersCpu",
            Watches::Containers,
            Signal::TaskCpu,
            "Average",
            TASK_UTILISATION_PERCENT,
            "The task used over 80% of its CPU for 15 minutes: requests begin to queue. \
             Give the task more CPU or the service a second task.",
        ),
        sustained(
            "ContainersMemory",
            Watches::Containers,
            Signal::TaskMemory,
            "Average",
            TASK_UTILISATION_PERCENT,
            "The task used over 80% of its memory for 15 minutes. \
             The server holds little per request, so growth that stays is a leak: redeploy to replace the task, and look for what grows.",
        ),
        any(
            "TableThrottles",
            Watches::Table,
            Signal::TableThrottles,
            "DynamoDB throttled reads or writes of the table or its index. The SDK retries a throttled call, so some requests may still have succeeded, slower, and others were answered 503 store_unavailable. \
             An on-demand table throttles past its partitions' or the table's limits: look for one hot key or a burst.",
        ),
    ]
}

// ANCHOR: init_metric
/// The cold starts' init, as a metric of the stack's own: a metric filter on each function's
/// log group matches the `platform.report` record Lambda writes after an invocation (in the
/// JSON log format) when it carries an `initDurationMs`, and publishes that value.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitDurationMetric {
    pub namespace: &'static str,
    pub metric_name: &'static str,
    /// CloudWatch Logs' filter pattern for JSON events.
    pub filter_pattern: &'static str,
    /// Where the value is in the record.
    pub metric_value: &'static str,
    pub unit: &'static str,
}

pub const INIT_DURATION_METRIC: InitDurationMetric = InitDurationMetric {
    namespace: "ServerlessBlog",
    metric_name: "InitDuration",
    filter_pattern: "{ $.type = \"platform.report\" && $.record.metrics.initDurationMs > 0 }",
    metric_value: "$.record.metrics.initDurationMs",
    unit: "Milliseconds",
};
// ANCHOR_END: init_metric

// ANCHOR: logging
/// Lambda's logging configuration for every function: JSON, so that the platform's own records
/// (`platform.start`, `platform.report`) are JSON objects like our lines and one query reads
/// both; and the levels Lambda passes on (`AWS_LAMBDA_LOG_LEVEL`) and filters by.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionLogging {
    pub format: &'static str,
    pub application_level: &'static str,
    pub system_level: &'static str,
}

pub const FUNCTION_LOGGING: FunctionLogging = FunctionLogging {
    format: "JSON",
    application_level: "INFO",
    system_level: "INFO",
};
// ANCHOR_END: logging

impl Signal {
    /// What the signal reads, as AWS names it, for the chapter's table.
    pub fn reads(self) -> &'static str {
        match self {
            Self::GatewayErrorRate => "API Gateway `5XXError` (its average is the share)",
            Self::GatewayLatency => "API Gateway `Latency` (ms)",
            Self::FunctionErrors => "Lambda `Errors`, every function summed",
            Self::FunctionThrottles => "Lambda `Throttles`, every function summed",
            Self::InitDuration => "`InitDuration` (ms), from the `platform.report` records",
            Self::LoadBalancerErrorRate => {
                "load balancer (`HTTPCode_Target_5XX_Count` + `HTTPCode_ELB_5XX_Count`) / (`RequestCount` + `HTTPCode_ELB_5XX_Count`)"
            }
            Self::TargetResponseTime => "load balancer `TargetResponseTime` (s)",
            Self::HealthyTasks => "target group `HealthyHostCount`",
            Self::TaskCpu => "ECS `CPUUtilization` (%)",
            Self::TaskMemory => "ECS `MemoryUtilization` (%)",
            Self::TableThrottles => {
                "DynamoDB `ReadThrottleEvents` + `WriteThrottleEvents`, of the table and of its index"
            }
        }
    }
}

impl Alarm {
    /// When it fires, in words: `p99 > 1000 in 3 of 3 periods of 5 min`.
    pub fn fires_when(&self) -> String {
        let sign = match self.comparison {
            Comparison::GreaterThanThreshold => ">",
            Comparison::LessThanThreshold => "<",
        };
        let period = match self.period_seconds {
            60 => "1 min".to_owned(),
            seconds => format!("{} min", seconds / 60),
        };
        format!(
            "{} {sign} {} in {} of {} periods of {period}{}",
            self.statistic,
            self.threshold,
            self.datapoints_to_alarm,
            self.evaluation_periods,
            if self.missing_data_is_fine {
                ""
            } else {
                "; no data counts as firing"
            }
        )
    }
}

/// Every alarm as a Markdown table: what it reads, when it fires, and what to do.
pub fn alarms_table() -> String {
    let mut table = String::from(
        "| alarm | reads | fires when | what it means, and the first step |\n|---|---|---|---|\n",
    );
    for alarm in alarms() {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            alarm.id,
            alarm.signal.reads(),
            alarm.fires_when(),
            alarm.means
        ));
    }
    table
}
