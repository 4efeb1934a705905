// Four charms, four typed APIs: the web application, and the charms on the other side of
// each of its relations (a database, a proxy, an observer), each generated into OUT_DIR
// under its own name.
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("Cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("Cargo sets OUT_DIR"));
    for charm in ["webapp", "postgres", "proxy", "observer"] {
        let builder =
            juju_ops_build::Builder::new().charm_dir(manifest.join(charm)).out_file(out.join(format!("{charm}.rs")));
        if let Err(error) = builder.generate() {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}
