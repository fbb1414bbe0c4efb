//! The cost of the idle stack, and where every price comes from, as the chapter 6 page shows
//! them (generated from `prices.rs`).

use std::fmt::Write as _;

use ch06_infrastructure::prices::{ALL, Evidence, HOURS_PER_MONTH, idle_cost_per_day};

#[test]
fn the_idle_stack_per_day() {
    let parts = idle_cost_per_day();
    let mut table = String::from("<!-- ANCHOR: idle -->\n| part | dollars a day |\n|---|---:|\n");
    for (what, dollars) in &parts {
        writeln!(table, "| {what} | {dollars:.3} |").unwrap();
    }
    let total: f64 = parts.iter().map(|(_, dollars)| dollars).sum();
    writeln!(
        table,
        "| **the idle stack** | **{total:.2}** (about {:.0} a month of {HOURS_PER_MONTH} hours, as AWS counts a month) |",
        total * HOURS_PER_MONTH / 24.0
    )
    .unwrap();
    table.push_str("<!-- ANCHOR_END: idle -->\n");
    insta::assert_snapshot!(table);
}

#[test]
fn every_price_and_its_source() {
    let mut table = String::from(
        "<!-- ANCHOR: sources -->\n| price | dollars | per | source | checked | read from |\n|---|---:|---|---|---|---|\n",
    );
    for price in ALL {
        let read_from = match price.evidence {
            Evidence::AwsText => "AWS's text",
            Evidence::PricingPageTable => "the pricing page's table (see below)",
        };
        writeln!(
            table,
            "| {} | {} | {} | <{}> | {} | {read_from} |",
            price.what,
            format_dollars(price.dollars),
            price.per,
            price.source,
            price.checked
        )
        .unwrap();
    }
    table.push_str("<!-- ANCHOR_END: sources -->\n");
    insta::assert_snapshot!(table);
}

/// Small prices are easier to read per million (`0.20 per million`) than as `0.0000002`.
fn format_dollars(dollars: f64) -> String {
    if dollars < 0.000_1 {
        format!("{:.4} per million", dollars * 1_000_000.0)
    } else {
        format!("{dollars}")
    }
}
