// Generates every fixture charm under codegen/tests/fixtures into OUT_DIR/<name>.rs, and the
// large one also as OUT_DIR/charm.rs, the file `ops::include_charm!()` includes.
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    let Ok(entries) = std::fs::read_dir(&fixtures) else {
        println!("cargo::error=cannot read {}", fixtures.display());
        return;
    };
    let mut names: Vec<_> = entries.flatten().collect();
    names.sort_by_key(|entry| entry.file_name());
    for entry in names {
        let name = entry.file_name().to_string_lossy().replace('-', "_");
        generate(&entry.path(), &Path::new(&out_dir).join(format!("{name}.rs")));
    }
    generate(&fixtures.join("large"), &Path::new(&out_dir).join("charm.rs"));
}

fn generate(dir: &Path, out: &Path) {
    let builder = juju_ops_build::Builder::new().charm_dir(dir).out_file(out);
    match builder.generate() {
        Ok(_) => {}
        Err(juju_ops_build::Error::Invalid { errors, .. }) => {
            for error in errors {
                println!("cargo::error={}/{error}", dir.display());
            }
        }
        Err(error) => println!("cargo::error={error}"),
    }
}
