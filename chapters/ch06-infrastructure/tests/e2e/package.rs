//! What `cargo xtask package` staged, checked as Lambda and the image build will read it: each
//! function zip holds one executable, `bootstrap`, at its root, an arm64 ELF that needs no
//! dynamic loader; the server is one too. (`cargo xtask test` packages before these tests run.)

use std::io::Read as _;
use std::path::PathBuf;

/// Lambda's quotas for a function's .zip file: 50 MB zipped (uploaded directly), 250 MB unzipped.
const LAMBDA_ZIP_LIMIT: usize = 50 * 1024 * 1024;
const LAMBDA_UNZIPPED_LIMIT: usize = 250 * 1024 * 1024;

/// Where the package is: `$BLOG_PACKAGE_DIR`, else `target/package` in the workspace.
fn package_dir() -> PathBuf {
    std::env::var_os("BLOG_PACKAGE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/package"))
}

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| {
        panic!(
            "{}: {err}\n`cargo xtask package` builds it (`cargo xtask test` runs it first)",
            path.display()
        )
    })
}

/// The checks that matter for Lambda and `FROM scratch`: a 64-bit little-endian ELF executable
/// for AArch64 with no `PT_INTERP` (no dynamic loader to find, so no C library needed).
fn assert_static_arm64_executable(name: &str, elf: &[u8]) {
    assert_eq!(&elf[..4], b"\x7fELF", "{name} is not an ELF file");
    assert_eq!(elf[4], 2, "{name} is not 64-bit");
    assert_eq!(elf[5], 1, "{name} is not little-endian");
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap());
    const EM_AARCH64: u16 = 183;
    assert_eq!(u16_at(18), EM_AARCH64, "{name} is not an AArch64 binary");
    let (program_headers, entry_size, entries) =
        (u64_at(32) as usize, u16_at(54) as usize, u16_at(56));
    const PT_INTERP: u32 = 3;
    for index in 0..entries as usize {
        let header = program_headers + index * entry_size;
        assert_ne!(
            u32_at(header),
            PT_INTERP,
            "{name} asks for a dynamic loader: it is not statically linked"
        );
    }
}

#[test]
fn each_function_zip_holds_one_static_arm64_bootstrap() {
    let description: serde_json::Value = serde_json::from_str(
        &String::from_utf8(read(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json"),
        ))
        .unwrap(),
    )
    .unwrap();
    let deployment = &description["x-blog-deployment"];
    let functions = deployment["functions"]["each"].as_array().unwrap();
    assert_eq!(functions.len(), 4);
    // The four, and chapter 10's one function for every route.
    let names = functions
        .iter()
        .chain([&deployment["oneFunction"]])
        .map(|function| function["name"].as_str().unwrap());
    for name in names {
        let path = package_dir().join(format!("functions/{name}.zip"));
        let bytes = read(&path);
        // Lambda's own limit for a zip it is given directly (the 3 MB target is `cargo xtask
        // bench`'s to report, for the release build that ships).
        assert!(
            bytes.len() < LAMBDA_ZIP_LIMIT,
            "{name}.zip is {} bytes",
            bytes.len()
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 1, "{name}.zip holds more than bootstrap");
        let mut entry = zip.by_index(0).unwrap();
        assert_eq!(entry.name().unwrap(), "bootstrap");
        let mode = entry.unix_mode().expect("a Unix mode");
        assert_eq!(mode & 0o111, 0o111, "bootstrap is not executable: {mode:o}");
        let mut elf = Vec::new();
        entry.read_to_end(&mut elf).unwrap();
        assert!(
            elf.len() < LAMBDA_UNZIPPED_LIMIT,
            "{name}'s bootstrap is too large"
        );
        assert_static_arm64_executable(name, &elf);
    }
}

#[test]
fn the_image_context_holds_the_static_server_and_the_dockerfile_and_nothing_else() {
    let image = package_dir().join("image");
    assert_static_arm64_executable("blog-server", &read(&image.join("blog-server")));
    let mut files: Vec<String> = std::fs::read_dir(&image)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // No CA roots: the client compiles in the ones DynamoDB's certificates chain to.
    assert_eq!(files, ["Dockerfile", "blog-server"]);
    let dockerfile = String::from_utf8(read(&image.join("Dockerfile"))).unwrap();
    assert!(dockerfile.contains("FROM scratch"));
}

/// The one executable a zip holds: its name inside the zip, and its bytes.
fn the_one_executable(zip_path: &std::path::Path) -> (String, Vec<u8>) {
    let bytes = read(zip_path);
    assert!(bytes.len() < LAMBDA_ZIP_LIMIT, "{}", zip_path.display());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        zip.len(),
        1,
        "{} holds more than one file",
        zip_path.display()
    );
    let mut entry = zip.by_index(0).unwrap();
    let mode = entry.unix_mode().expect("a Unix mode");
    assert_eq!(mode & 0o111, 0o111, "not executable: {mode:o}");
    let name = entry.name().unwrap().to_string();
    let mut contents = Vec::new();
    entry.read_to_end(&mut contents).unwrap();
    assert!(contents.len() < LAMBDA_UNZIPPED_LIMIT);
    (name, contents)
}

/// Chapter 10's second shape: the function's `bootstrap` is the image's server, byte for byte,
/// and its layer holds the Lambda Web Adapter where Lambda starts extensions from
/// (`/opt/extensions/lambda-adapter`: a layer is unpacked into `/opt`).
#[test]
fn the_web_adapter_function_runs_the_images_server_and_its_layer_holds_the_adapter() {
    let (name, bootstrap) = the_one_executable(&package_dir().join("functions/web-adapter.zip"));
    assert_eq!(name, "bootstrap");
    assert!(
        bootstrap == read(&package_dir().join("image/blog-server")),
        "web-adapter's bootstrap is not the image's blog-server"
    );
    let (name, adapter) = the_one_executable(&package_dir().join("layers/lambda-adapter.zip"));
    assert_eq!(name, "extensions/lambda-adapter");
    assert_static_arm64_executable("lambda-adapter", &adapter);
    // Lambda's unzipped limit holds for the function and its layers together.
    assert!(bootstrap.len() + adapter.len() < LAMBDA_UNZIPPED_LIMIT);
}
