//! What AWS charges for the parts of the stack, in one place: chapter 6 prices the idle stack,
//! chapter 8 prints it after a deploy, chapter 9 builds its cost model on these constants. Every
//! price names the page it comes from and the day it was checked; none is typed twice.
//!
//! All prices are for US East (N. Virginia), `us-east-1`, on-demand, without free tiers.

// ANCHOR: price
/// One price: dollars per unit, where it was read, when, and how firmly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub what: &'static str,
    pub dollars: f64,
    pub per: &'static str,
    /// AWS's page for it.
    pub source: &'static str,
    pub checked: &'static str,
    pub evidence: Evidence,
}

/// How the figure was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The figure itself is in AWS's own text (documentation, whitepaper, pricing page).
    AwsText,
    /// AWS's pricing page renders this figure with a script, so no stored copy of the page holds
    /// it; the figure is the one published copies of that page give. Read it off the live page
    /// (or the AWS Price List API) before you rely on it.
    PricingPageTable,
}
// ANCHOR_END: price

/// The day every price below was last checked.
pub const CHECKED: &str = "2026-11-27";

/// AWS prices a month as 730 hours (365 days of 24 hours, over 12 months).
pub const HOURS_PER_MONTH: f64 = 730.0;

pub const LAMBDA_REQUEST: Price = Price {
    what: "Lambda requests",
    dollars: 0.20 / 1_000_000.0,
    per: "request",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// Arm (Graviton) duration, first tier: 20% below x86, which AWS's own announcement states.
pub const LAMBDA_ARM_GB_SECOND: Price = Price {
    what: "Lambda duration, arm64",
    dollars: 0.000_013_333_4,
    per: "GB-second",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const API_GATEWAY_REST_REQUEST: Price = Price {
    what: "API Gateway REST API requests (first 333 million a month)",
    dollars: 3.50 / 1_000_000.0,
    per: "request",
    source: "https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html",
    checked: CHECKED,
    evidence: Evidence::AwsText,
};

/// API Gateway's HTTP API, for comparison: the stack uses a REST API.
pub const API_GATEWAY_HTTP_REQUEST: Price = Price {
    what: "API Gateway HTTP API requests (first 300 million a month)",
    dollars: 1.00 / 1_000_000.0,
    per: "request",
    source: "https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html",
    checked: CHECKED,
    evidence: Evidence::AwsText,
};

pub const FARGATE_ARM_VCPU_HOUR: Price = Price {
    what: "Fargate Linux/ARM vCPU",
    dollars: 0.032_38,
    per: "vCPU-hour",
    source: "https://aws.amazon.com/fargate/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const FARGATE_ARM_GB_HOUR: Price = Price {
    what: "Fargate Linux/ARM memory",
    dollars: 0.003_56,
    per: "GB-hour",
    source: "https://aws.amazon.com/fargate/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const ALB_HOUR: Price = Price {
    what: "Application Load Balancer",
    dollars: 0.0225,
    per: "hour",
    source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// An LCU is the largest of: 25 new connections a second, 3,000 active connections a minute,
/// 1 GB processed an hour, 1,000 rule evaluations a second.
pub const ALB_LCU_HOUR: Price = Price {
    what: "Application Load Balancer capacity unit (LCU)",
    dollars: 0.008,
    per: "LCU-hour",
    source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// Every public IPv4 address since 1 February 2024: a task's, and each of a load balancer's.
pub const PUBLIC_IPV4_HOUR: Price = Price {
    what: "public IPv4 address",
    dollars: 0.005,
    per: "address-hour",
    source: "https://aws.amazon.com/vpc/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const DYNAMODB_WRITE_REQUEST: Price = Price {
    what: "DynamoDB on-demand write request unit",
    dollars: 0.625 / 1_000_000.0,
    per: "write request unit",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const DYNAMODB_READ_REQUEST: Price = Price {
    what: "DynamoDB on-demand read request unit",
    dollars: 0.125 / 1_000_000.0,
    per: "read request unit",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

pub const DYNAMODB_STORAGE_GB_MONTH: Price = Price {
    what: "DynamoDB storage",
    dollars: 0.25,
    per: "GB-month",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// What the CDK's asset bucket keeps after a stack is destroyed (the function zips).
pub const S3_STANDARD_GB_MONTH: Price = Price {
    what: "S3 Standard storage",
    dollars: 0.023,
    per: "GB-month",
    source: "https://aws.amazon.com/s3/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// What the CDK's image repository keeps after a stack is destroyed (the server's image).
pub const ECR_GB_MONTH: Price = Price {
    what: "ECR image storage",
    dollars: 0.10,
    per: "GB-month",
    source: "https://aws.amazon.com/ecr/pricing/",
    checked: CHECKED,
    evidence: Evidence::PricingPageTable,
};

/// A function URL: no charge of its own, only the function's requests and duration.
pub const FUNCTION_URL_REQUEST: Price = Price {
    what: "Lambda function URL requests (beyond the function's own)",
    dollars: 0.0,
    per: "request",
    source: "https://docs.aws.amazon.com/lambda/latest/dg/furls-http-invoke-decision.html",
    checked: "2026-12-03",
    evidence: Evidence::AwsText,
};

/// The day the prices of keeping functions warm, and of streaming, were checked.
pub const CHECKED_WARM: &str = "2026-12-03";

/// Provisioned concurrency, arm64: every GB-second an environment is kept ready, with or without
/// requests (billed in steps of five minutes).
pub const PROVISIONED_CONCURRENCY_ARM_GB_SECOND: Price = Price {
    what: "Lambda provisioned concurrency, arm64, while configured",
    dollars: 0.000_003_333_4,
    per: "GB-second",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::PricingPageTable,
};

/// The duration of requests a provisioned environment serves, arm64: below on-demand's.
pub const PROVISIONED_DURATION_ARM_GB_SECOND: Price = Price {
    what: "Lambda duration on provisioned concurrency, arm64",
    dollars: 0.000_007_777_8,
    per: "GB-second",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::PricingPageTable,
};

/// Lambda Managed Instances: a fee on top of the EC2 instances' own price, on the on-demand price
/// even when a Savings Plan discounts the instances; requests cost as on demand, duration nothing.
pub const MANAGED_INSTANCES_FEE: Price = Price {
    what: "Lambda Managed Instances management fee",
    dollars: 0.15,
    per: "dollar of the instances' EC2 on-demand price",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::AwsText,
};

/// The instance AWS's own Managed Instances pricing example uses (4 vCPU, 16 GiB, Graviton3).
pub const EC2_M7G_XLARGE_HOUR: Price = Price {
    what: "EC2 m7g.xlarge, on demand",
    dollars: 0.1632,
    per: "hour",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::AwsText,
};

/// Bytes a function streams beyond the first 6 MB of each answer.
pub const LAMBDA_STREAMED_GB: Price = Price {
    what: "Lambda response streaming, beyond the first 6 MB of each answer",
    dollars: 0.008,
    per: "GB",
    source: "https://aws.amazon.com/lambda/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::AwsText,
};

/// Logs a function, an API's access log or a task sends to CloudWatch Logs, Standard class (a
/// function's logs are priced in tiers since May 2025; this is the first tier's price, the same).
pub const CLOUDWATCH_LOGS_INGESTED_GB: Price = Price {
    what: "CloudWatch Logs ingestion, Standard class",
    dollars: 0.50,
    per: "GB",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    checked: CHECKED_WARM,
    evidence: Evidence::PricingPageTable,
};

/// What every account gets free each month, whatever its age (AWS's "always free" offers; the
/// 12-month offers, such as API Gateway's million calls, ended for accounts created from 15 July
/// 2025, which get credits instead).
pub mod always_free {
    /// Lambda requests a month.
    pub const LAMBDA_REQUESTS: f64 = 1_000_000.0;
    /// Lambda GB-seconds a month.
    pub const LAMBDA_GB_SECONDS: f64 = 400_000.0;
    /// GB of logs CloudWatch Logs ingests a month.
    pub const LOGS_GB: f64 = 5.0;
    /// Where each is stated.
    pub const SOURCES: [&str; 2] = [
        "https://aws.amazon.com/lambda/pricing/",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ];
}

/// Every price above, for the book's table of sources.
pub const ALL: [Price; 21] = [
    LAMBDA_REQUEST,
    LAMBDA_ARM_GB_SECOND,
    API_GATEWAY_REST_REQUEST,
    API_GATEWAY_HTTP_REQUEST,
    FUNCTION_URL_REQUEST,
    FARGATE_ARM_VCPU_HOUR,
    FARGATE_ARM_GB_HOUR,
    ALB_HOUR,
    ALB_LCU_HOUR,
    PUBLIC_IPV4_HOUR,
    DYNAMODB_WRITE_REQUEST,
    DYNAMODB_READ_REQUEST,
    DYNAMODB_STORAGE_GB_MONTH,
    S3_STANDARD_GB_MONTH,
    ECR_GB_MONTH,
    PROVISIONED_CONCURRENCY_ARM_GB_SECOND,
    PROVISIONED_DURATION_ARM_GB_SECOND,
    MANAGED_INSTANCES_FEE,
    EC2_M7G_XLARGE_HOUR,
    LAMBDA_STREAMED_GB,
    CLOUDWATCH_LOGS_INGESTED_GB,
];

/// The load balancer has a node, and so a public IPv4 address, in each of its subnets: one per
/// availability zone, and the stack uses two.
pub const LOAD_BALANCER_ADDRESSES: u32 = 2;

// ANCHOR: idle
/// What the stack costs a day with no traffic at all, part by part: the functions, API Gateway and
/// an on-demand table cost nothing while nobody calls them (the table's storage aside); the
/// container variant runs a load balancer and one task around the clock, each with public IPv4
/// addresses.
pub fn idle_cost_per_day() -> Vec<(&'static str, f64)> {
    let task_hour = crate::settings::TASK_CPU_UNITS as f64 / 1024.0 * FARGATE_ARM_VCPU_HOUR.dollars
        + crate::settings::TASK_MEMORY_MIB as f64 / 1024.0 * FARGATE_ARM_GB_HOUR.dollars;
    vec![
        ("functions, API Gateway", 0.0),
        ("load balancer", 24.0 * ALB_HOUR.dollars),
        (
            "load balancer's public IPv4 addresses",
            24.0 * f64::from(LOAD_BALANCER_ADDRESSES) * PUBLIC_IPV4_HOUR.dollars,
        ),
        (
            "one Fargate task (0.25 vCPU, 0.5 GB, arm64)",
            24.0 * task_hour,
        ),
        (
            "the task's public IPv4 address",
            24.0 * PUBLIC_IPV4_HOUR.dollars,
        ),
    ]
}
// ANCHOR_END: idle

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_stack_costs_what_a_hand_calculation_gives() {
        let parts = idle_cost_per_day();
        let total: f64 = parts.iter().map(|(_, dollars)| dollars).sum();
        // 24 h x ($0.0225 + 2 x $0.005 + 0.25 x $0.03238 + 0.5 x $0.00356 + $0.005)
        let by_hand = 24.0 * (0.0225 + 0.010 + 0.008_095 + 0.001_78 + 0.005);
        assert!((total - by_hand).abs() < 1e-9, "{total} vs {by_hand}");
        assert!((total - 1.137).abs() < 0.001, "{total}");
        assert_eq!(parts[0].1, 0.0, "the functions cost nothing idle");
    }

    #[test]
    fn arm_lambda_duration_is_a_fifth_below_x86() {
        let x86 = 0.000_016_666_7;
        assert!((LAMBDA_ARM_GB_SECOND.dollars / x86 - 0.8).abs() < 0.001);
    }
}
