//! Misuse that must not compile (`ui-tests/*.rs`) and the correct forms that must
//! (`ui-tests/pass/*.rs`), checked with trybuild.
//!
//! The `.stderr` files were recorded with rustc 1.95 (the project's toolchain); compiler
//! wording changes between releases, so the test runs only there.
//! Regenerate with `TRYBUILD=overwrite cargo test --test test_ui` and read the diff.

#[rustversion::attr(not(stable(1.95)), ignore = "ui snapshots are recorded with rustc 1.95")]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/*.rs");
    cases.pass("ui-tests/pass/*.rs");
}
