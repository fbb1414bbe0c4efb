//! A few SVG shapes, enough for the book's diagrams: each chapter's test draws its picture from
//! the code's own values (a timeout, the items a table holds) and keeps it under
//! `book/src/images/`, failing when the committed picture is out of date.

use std::fmt::Write as _;
use std::path::Path;

/// An SVG document being drawn, in user units (one unit a pixel at 100%).
#[derive(Debug)]
pub struct Svg {
    width: u32,
    height: u32,
    body: String,
}

/// The colours of the book's pictures: the functions' orange, the container's blue, the
/// table's green, chapter 10's one function in indigo and its web adapter in plum (the demo page's
/// colours for them), and grey for the rest.
pub mod colour {
    pub const FUNCTIONS: (&str, &str) = ("#fff4e5", "#b35900");
    pub const ONE_FUNCTION: (&str, &str) = ("#eef0fa", "#3b4fa0");
    pub const WEB_ADAPTER: (&str, &str) = ("#f6edf8", "#7a2e8a");
    pub const CONTAINER: (&str, &str) = ("#e8f1fb", "#1f5f99");
    pub const TABLE: (&str, &str) = ("#eaf6ec", "#2e7d32");
    pub const NEUTRAL: (&str, &str) = ("#f3f3f3", "#555555");
}

/// Text as SVG content: `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Svg {
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            body: String::new(),
        }
    }

    /// A box, filled and outlined with `(fill, stroke)`.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, (fill, stroke): (&str, &str)) {
        writeln!(
            self.body,
            r#"  <rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="5" fill="{fill}" stroke="{stroke}"/>"#
        )
        .unwrap();
    }

    /// Text at `(x, y)` (its baseline); `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, text: &str) {
        writeln!(
            self.body,
            r#"  <text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        )
        .unwrap();
    }

    /// Bold text.
    pub fn heading(&mut self, x: f64, y: f64, anchor: &str, text: &str) {
        writeln!(
            self.body,
            r#"  <text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-weight="bold">{}</text>"#,
            escape(text)
        )
        .unwrap();
    }

    /// Monospaced text, for keys and values.
    pub fn code(&mut self, x: f64, y: f64, text: &str) {
        writeln!(
            self.body,
            r#"  <text x="{x:.1}" y="{y:.1}" font-family="ui-monospace, monospace" font-size="12">{}</text>"#,
            escape(text)
        )
        .unwrap();
    }

    /// A line; `arrow` ends it with an arrowhead; `dashed` draws it dashed.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), arrow: bool, dashed: bool) {
        let marker = if arrow {
            r#" marker-end="url(#arrow)""#
        } else {
            ""
        };
        let dash = if dashed {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        writeln!(
            self.body,
            r##"  <line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#444"{marker}{dash}/>"##
        )
        .unwrap();
    }

    /// The document, with `title` for screen readers.
    pub fn finish(&self, title: &str) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" font-family="system-ui, sans-serif" font-size="14">
  <title>{title}</title>
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="#444"/>
    </marker>
  </defs>
  <rect width="{w}" height="{h}" fill="#fff"/>
{body}</svg>
"##,
            w = self.width,
            h = self.height,
            title = escape(title),
            body = self.body,
        )
    }
}

/// Compares `picture` with the committed file at `path` (relative to the workspace root); with
/// `UPDATE_PICTURES=1` in the environment, writes it instead.
pub fn check_picture(path: &str, picture: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    if std::env::var_os("UPDATE_PICTURES").is_some() {
        std::fs::write(&file, picture).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == picture,
        "{path} is out of date: run the test again with UPDATE_PICTURES=1 and commit the picture"
    );
}
