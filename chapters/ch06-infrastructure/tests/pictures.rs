//! The ECS stop sequence as a timeline, drawn from the stack's own settings
//! (`book/src/images/ecs-stop.svg`): change a setting and the picture is out of date.

use ch01_blog_core::test_support::svg::{Svg, check_picture, colour};
use ch04_container::config::DEFAULT_SHUTDOWN_GRACE_SECS;
use ch06_infrastructure::settings::{DEREGISTRATION_DELAY_SECS, STOP_TIMEOUT_SECS};

#[test]
fn the_ecs_stop_sequence() {
    let drain = DEREGISTRATION_DELAY_SECS as f64;
    let stop = STOP_TIMEOUT_SECS as f64;
    let grace = DEFAULT_SHUTDOWN_GRACE_SECS as f64;
    let total = drain + stop;
    let (left, width) = (150.0, 720.0);
    let x = |seconds: f64| left + seconds / total * width;

    let mut svg = Svg::new(900, 250);
    svg.heading(
        20.0,
        25.0,
        "start",
        "When ECS stops a task behind the load balancer",
    );
    // The load balancer's row: draining.
    svg.text(20.0, 72.0, "start", "load balancer");
    svg.rect(x(0.0), 52.0, x(drain) - x(0.0), 30.0, colour::CONTAINER);
    svg.text(
        (x(0.0) + x(drain)) / 2.0,
        72.0,
        "middle",
        &format!("draining: no new requests ({DEREGISTRATION_DELAY_SECS} s)"),
    );
    // ECS's row: the two signals.
    svg.text(20.0, 122.0, "start", "ECS");
    for (at, label) in [(drain, "SIGTERM"), (total, "SIGKILL")] {
        svg.line((x(at), 95.0), (x(at), 140.0), false, false);
        svg.heading(
            x(at),
            122.0,
            if at == total { "end" } else { "middle" },
            label,
        );
    }
    svg.line(
        (x(drain) + 40.0, 132.0),
        (x(total) - 5.0, 132.0),
        true,
        true,
    );
    svg.text(
        (x(drain) + x(total)) / 2.0,
        150.0,
        "middle",
        &format!("stop timeout ({STOP_TIMEOUT_SECS} s)"),
    );
    // The server's row: its grace, inside the stop timeout.
    svg.text(20.0, 192.0, "start", "blog-server");
    svg.rect(x(0.0), 172.0, x(drain) - x(0.0), 30.0, colour::NEUTRAL);
    svg.text(
        (x(0.0) + x(drain)) / 2.0,
        192.0,
        "middle",
        "serving what still arrives",
    );
    svg.rect(
        x(drain),
        172.0,
        x(drain + grace) - x(drain),
        30.0,
        colour::CONTAINER,
    );
    svg.text(
        (x(drain) + x(drain + grace)) / 2.0,
        192.0,
        "middle",
        &format!("finishing, then exit 0 (≤ {DEFAULT_SHUTDOWN_GRACE_SECS} s)"),
    );
    // The time axis.
    let mut second = 0.0;
    while second <= total {
        svg.line((x(second), 215.0), (x(second), 221.0), false, false);
        svg.text(x(second), 238.0, "middle", &format!("{second} s"));
        second += 10.0;
    }
    svg.line((x(0.0), 215.0), (x(total), 215.0), false, false);
    let picture = svg.finish(
        "The stop sequence: the load balancer drains the task, then ECS sends SIGTERM, the server finishes and exits, and SIGKILL would follow after the stop timeout",
    );
    check_picture("book/src/images/ecs-stop.svg", &picture);
}
