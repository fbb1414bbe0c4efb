//! Writes the roots of Amazon Trust Services, the CA that signs DynamoDB's endpoints, as one PEM
//! bundle that the client compiles in (`src/trust.rs`). They come from Mozilla's set in the
//! `webpki-root-certs` crate, whose version Cargo.lock pins: the build fails if the set no longer
//! holds exactly these five.

use std::io::Write as _;

use base64::Engine as _;

/// The subjects' common names, as they appear in each root's DER.
const ROOTS: [&str; 5] = [
    "Amazon Root CA 1",
    "Amazon Root CA 2",
    "Amazon Root CA 3",
    "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
];

fn main() {
    let mut pem = String::new();
    for name in ROOTS {
        let found: Vec<_> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter(|der| {
                der.as_ref()
                    .windows(name.len())
                    .any(|window| window == name.as_bytes())
            })
            .collect();
        assert!(
            found.len() == 1,
            "{name}: {} certificates in webpki-root-certs, expected one",
            found.len()
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(found[0].as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in encoded.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("amazon-trust-services.pem");
    std::fs::File::create(&out)
        .and_then(|mut file| file.write_all(pem.as_bytes()))
        .expect("write the roots");
    println!("cargo::rerun-if-changed=build.rs");
}
