//! Pictures drawn from the stack's own description: the architecture of the introduction
//! (`book/src/images/architecture.svg`) and the ECS stop sequence as a timeline
//! (`book/src/images/ecs-stop.svg`). Change a route, a grant or a setting and the picture is out
//! of date.

use ch01_blog_core::test_support::svg::{Svg, check_picture, colour};
use ch04_container::config::DEFAULT_SHUTDOWN_GRACE_SECS;
use ch06_infrastructure::description::deployment;
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

/// `dynamodb:Query` on the index `feed` as `Query (feed)`.
fn action(grant: &serde_json::Value) -> String {
    let action = grant["action"]
        .as_str()
        .unwrap()
        .trim_start_matches("dynamodb:");
    match grant["index"].as_str() {
        Some(index) => format!("{action} ({index})"),
        None => action.to_owned(),
    }
}

/// An API Gateway box whose top is at `y`, with what kind of API it is below its name.
fn api_gateway(svg: &mut Svg, y: f64, colour: (&str, &str), what: &str) {
    svg.rect(190.0, y, 170.0, 70.0, colour);
    svg.heading(275.0, y + 30.0, "middle", "API Gateway");
    svg.text(275.0, y + 50.0, "middle", what);
}

/// A role's DynamoDB grants as code, in two lines from `y`, in a service's box.
fn grants_in_two_lines(svg: &mut Svg, y: f64, grants: &serde_json::Value) {
    let grants: Vec<String> = grants.as_array().unwrap().iter().map(action).collect();
    let (first, rest) = grants.split_at(grants.len().div_ceil(2));
    svg.code(410.0, y, &first.join(", "));
    svg.code(410.0, y + 18.0, &rest.join(", "));
}

#[test]
fn the_architecture() {
    let stack = deployment();
    let (functions, container, table) = (&stack["functions"], &stack["container"], &stack["table"]);
    let each = functions["each"].as_array().unwrap();
    let one = &stack["oneFunction"];
    let adapter = &stack["webAdapter"];
    let mut svg = Svg::new(900, 720);

    // The reader's page, calling either backend.
    svg.rect(20.0, 195.0, 130.0, 70.0, colour::NEUTRAL);
    svg.heading(85.0, 225.0, "middle", "Demo page");
    svg.text(85.0, 245.0, "middle", "html/ (chapter 7)");

    // The functions: API Gateway and one function per route, each with its own grant.
    svg.heading(20.0, 25.0, "start", "Serverless functions (chapter 3)");
    api_gateway(
        &mut svg,
        85.0,
        colour::FUNCTIONS,
        &format!("REST API, stage {}", stack["stage"].as_str().unwrap()),
    );
    svg.line((150.0, 215.0), (188.0, 135.0), true, false);
    // The same four functions behind an HTTP API too: its routes come from the description.
    let routes = stack["httpApi"]["routes"].as_array().unwrap().len();
    svg.rect(190.0, 168.0, 170.0, 52.0, colour::FUNCTIONS);
    svg.heading(275.0, 188.0, "middle", "API Gateway");
    svg.text(
        275.0,
        208.0,
        "middle",
        &format!("HTTP API, {routes} routes"),
    );
    svg.line((150.0, 225.0), (188.0, 200.0), true, false);
    let function_y = |i: usize| 40.0 + i as f64 * 50.0;
    // The four, and chapter 11's export on the same REST API (streamed; the HTTP API has no route
    // to it, and it has a streaming function URL of its own).
    let exported = &stack["export"];
    for (i, function) in each.iter().chain([exported]).enumerate() {
        let y = function_y(i);
        let streamed = i == each.len();
        svg.rect(400.0, y, 250.0, 42.0, colour::FUNCTIONS);
        svg.heading(
            410.0,
            y + 17.0,
            "start",
            &if streamed {
                format!("λ {}, streamed", function["name"].as_str().unwrap())
            } else {
                format!("λ {}", function["name"].as_str().unwrap())
            },
        );
        let grants: Vec<String> = function["dynamodb"]
            .as_array()
            .unwrap()
            .iter()
            .map(action)
            .collect();
        svg.code(
            410.0,
            y + 34.0,
            &format!(
                "{} {} · {}",
                function["method"].as_str().unwrap(),
                function["resource"].as_str().unwrap(),
                grants.join(", ")
            ),
        );
        svg.line((360.0, 120.0), (398.0, y + 21.0), true, false);
        if !streamed {
            svg.line((360.0, 194.0), (398.0, y + 21.0), true, false);
        }
        svg.line((650.0, y + 21.0), (688.0, 225.0), true, false);
    }
    svg.text(
        400.0,
        function_y(each.len() + 1) + 6.0,
        "start",
        &format!(
            "each: {} MiB, {} s timeout, {}",
            functions["memoryMiB"],
            functions["timeoutSeconds"],
            functions["architecture"].as_str().unwrap()
        ),
    );

    // The container: a load balancer in front of one service of tasks, one role for all.
    svg.heading(20.0, 300.0, "start", "Serverless containers (chapter 4)");
    svg.rect(190.0, 340.0, 170.0, 70.0, colour::CONTAINER);
    svg.heading(275.0, 370.0, "middle", "Load balancer");
    svg.text(
        275.0,
        390.0,
        "middle",
        &format!(
            "health: GET {}",
            container["healthCheckPath"].as_str().unwrap()
        ),
    );
    svg.line((150.0, 245.0), (188.0, 360.0), true, false);
    svg.rect(400.0, 320.0, 250.0, 110.0, colour::CONTAINER);
    svg.heading(410.0, 342.0, "start", "Fargate service: blog-server");
    svg.text(
        410.0,
        362.0,
        "start",
        &format!(
            "port {}, {} CPU units, {} MiB",
            container["port"], container["cpu"], container["memoryMiB"]
        ),
    );
    svg.text(410.0, 382.0, "start", "every route, one task role:");
    grants_in_two_lines(&mut svg, 400.0, &container["dynamodb"]);
    svg.line((360.0, 375.0), (398.0, 375.0), true, false);
    svg.line((650.0, 375.0), (688.0, 255.0), true, false);

    // The one table both reach, through the same core.
    svg.rect(690.0, 195.0, 190.0, 80.0, colour::TABLE);
    svg.heading(785.0, 218.0, "middle", "DynamoDB (chapter 2)");
    svg.code(705.0, 240.0, table["defaultName"].as_str().unwrap());
    let index = &table["indexes"][0];
    svg.code(
        705.0,
        262.0,
        &format!(
            "key {}; index {}",
            table["partitionKey"]["name"].as_str().unwrap(),
            index["name"].as_str().unwrap()
        ),
    );
    svg.rect(690.0, 300.0, 190.0, 60.0, colour::NEUTRAL);
    svg.heading(785.0, 325.0, "middle", "ch01-blog-core");
    svg.text(785.0, 345.0, "middle", "the same Blog in each");

    // Between the two: one function behind its own API's {proxy+}, with the container's grants.
    svg.heading(20.0, 470.0, "start", "Between the two (chapter 10)");
    api_gateway(
        &mut svg,
        505.0,
        colour::ONE_FUNCTION,
        &format!("REST API, ANY {}", one["resource"].as_str().unwrap()),
    );
    svg.line((150.0, 260.0), (188.0, 530.0), true, false);
    svg.rect(400.0, 495.0, 250.0, 90.0, colour::ONE_FUNCTION);
    svg.heading(
        410.0,
        517.0,
        "start",
        &format!("λ {}", one["name"].as_str().unwrap()),
    );
    svg.text(410.0, 537.0, "start", "every route, chapter 4's router:");
    grants_in_two_lines(&mut svg, 555.0, &one["dynamodb"]);
    svg.line((360.0, 540.0), (398.0, 540.0), true, false);
    svg.line((650.0, 540.0), (688.0, 272.0), true, false);
    // ... and behind its own function URL.
    svg.rect(190.0, 583.0, 170.0, 34.0, colour::ONE_FUNCTION);
    svg.text(
        275.0,
        605.0,
        "middle",
        &format!(
            "function URL, {}",
            stack["functionUrl"]["authType"].as_str().unwrap()
        ),
    );
    svg.line((150.0, 261.0), (188.0, 600.0), true, false);
    svg.line((360.0, 600.0), (398.0, 570.0), true, false);

    // And the container's server as a function, run by the Lambda Web Adapter from a layer.
    api_gateway(
        &mut svg,
        625.0,
        colour::WEB_ADAPTER,
        &format!("REST API, ANY {}", adapter["resource"].as_str().unwrap()),
    );
    svg.line((150.0, 262.0), (188.0, 650.0), true, false);
    svg.rect(400.0, 605.0, 250.0, 100.0, colour::WEB_ADAPTER);
    svg.heading(
        410.0,
        627.0,
        "start",
        &format!("λ {}", adapter["name"].as_str().unwrap()),
    );
    svg.text(410.0, 647.0, "start", "blog-server + the adapter's layer");
    svg.text(410.0, 665.0, "start", "every route, one role:");
    grants_in_two_lines(&mut svg, 681.0, &adapter["dynamodb"]);
    svg.line((360.0, 660.0), (398.0, 660.0), true, false);
    svg.line((650.0, 660.0), (688.0, 274.0), true, false);

    let picture = svg.finish(
        "One blog, two serverless runtimes and two shapes between them: the demo page calls API Gateway, a REST API or an HTTP API, which invokes one Lambda function per route (and, from the REST API, a fifth that streams every post, with a streaming function URL of its own); a load balancer in front of a Fargate service; a second API Gateway whose {proxy+} resource invokes one function for every route, which has a function URL of its own too; or a third whose {proxy+} invokes the container's server as a function, through the Lambda Web Adapter; all reach one DynamoDB table through the same core crate",
    );
    check_picture("book/src/images/architecture.svg", &picture);
}
