//! The life of one execution environment, as the harness of chapter 9 sees it
//! (`book/src/images/lambda-lifecycle.svg`).

use ch01_blog_core::test_support::svg::{Svg, check_picture, colour};
use ch03_functions::local_gateway::LAMBDA_DEFAULT_TIMEOUT_SECS;

#[test]
fn the_life_of_an_execution_environment() {
    let phases: [(&str, &str, f64, (&str, &str)); 6] = [
        ("Init", "runtime, then main()", 190.0, colour::FUNCTIONS),
        ("Invoke", "the first request", 150.0, colour::FUNCTIONS),
        ("frozen", "no CPU", 120.0, colour::NEUTRAL),
        ("Invoke", "a warm request", 150.0, colour::FUNCTIONS),
        ("frozen", "no CPU", 120.0, colour::NEUTRAL),
        ("Shutdown", "after idle", 120.0, colour::NEUTRAL),
    ];
    let mut svg = Svg::new(900, 175);
    svg.heading(
        20.0,
        25.0,
        "start",
        "One execution environment of a function",
    );
    let mut x = 20.0;
    for (name, detail, width, colours) in phases {
        svg.rect(x, 45.0, width - 6.0, 50.0, colours);
        svg.heading(x + (width - 6.0) / 2.0, 66.0, "middle", name);
        svg.text(x + (width - 6.0) / 2.0, 86.0, "middle", detail);
        x += width;
    }
    svg.line((20.0, 120.0), (354.0, 120.0), true, false);
    svg.text(
        20.0,
        140.0,
        "start",
        "a cold start: init, then the first call (chapter 9 measures both)",
    );
    svg.text(
        20.0,
        165.0,
        "start",
        &format!(
            "one request at a time per environment; each invocation may run up to the function's timeout ({LAMBDA_DEFAULT_TIMEOUT_SECS} s unless set)"
        ),
    );
    let picture = svg.finish(
        "An execution environment: init, an invocation, frozen between invocations, another invocation, and shutdown after idle",
    );
    check_picture("book/src/images/lambda-lifecycle.svg", &picture);
}
