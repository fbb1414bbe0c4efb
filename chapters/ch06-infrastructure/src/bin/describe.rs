//! Prints `openapi.json`, the contract and the stack's description, generated from the code:
//! `cargo run -p ch06-infrastructure --bin describe > openapi.json`

fn main() {
    print!("{}", ch06_infrastructure::description::openapi_json());
}
