//! What the test runs counted: cargo's `test result:` lines and node's TAP summary, added up
//! across every stage that runs tests.

/// Counts of the tests that ran, read from cargo's `test result:` lines and node's TAP summary.
#[derive(Debug, Default)]
pub struct TestCounts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl TestCounts {
    pub fn add_cargo_line(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            if let (Some(number), Some(label)) = (words.next(), words.next())
                && let Ok(n) = number.parse::<u64>()
            {
                match label {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    "ignored" => self.ignored += n,
                    _ => {}
                }
            }
        }
    }

    /// Reads node's TAP summary lines (`# pass N`, `# fail N`).
    pub fn add_tap_line(&mut self, line: &str) {
        let count = |prefix: &str| {
            line.strip_prefix(prefix)
                .and_then(|n| n.trim().parse::<u64>().ok())
        };
        if let Some(n) = count("# pass ") {
            self.passed += n;
        }
        if let Some(n) = count("# fail ") {
            self.failed += n;
        }
    }
}
