fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::copy("/tmp/manual/hello.rs", format!("{out}/charm.rs")).unwrap();
}
