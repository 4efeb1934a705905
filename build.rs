fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::copy("/tmp/manual/hello.rs", format!("{out}/hello.rs")).unwrap();
    println!("cargo::rerun-if-changed=/tmp/manual/hello.rs");
}
