//! Asks AWS-LC (the cryptography under rustls, and so under the AWS SDK's TLS) for 32 random
//! bytes twice, and prints how long each took in microseconds: the first pays for seeding the
//! generator, the second does not. A function's first TLS handshake asks for its first random
//! bytes, so it pays the same.

use std::time::Instant;

fn main() {
    let mut bytes = [0u8; 32];
    let mut time = || {
        let started = Instant::now();
        aws_lc_rs::rand::fill(&mut bytes).expect("random bytes");
        started.elapsed().as_micros()
    };
    let first = time();
    let second = time();
    println!("{first} {second}");
}
