//! Generates `ops::hello`, the reference charm's API, from `charm-meta/charmcraft.yaml`,
//! so that the library's docs show what generated code looks like and the doctests and
//! UI tests have a charm to compile against.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let builder = juju_ops_build::Builder::new()
        .charm_dir("charm-meta")
        .out_file(std::path::Path::new(&out_dir).join("hello.rs"));
    println!("cargo::rerun-if-changed=charm-meta/charmcraft.yaml");
    match builder.generate() {
        Ok(_) => {}
        Err(juju_ops_build::Error::Invalid(diagnostics)) => {
            for diagnostic in diagnostics {
                println!("cargo::error=charm-meta/{diagnostic}");
            }
        }
        Err(error) => println!("cargo::error={error}"),
    }
}
