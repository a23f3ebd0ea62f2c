//! Builds the dashboard (`web/`) for release builds, so that `cargo run --release -- serve` serves it
//! on a fresh machine: `npm ci` when the installed packages are missing or older than the lock file,
//! then `npm run build` (the Angular build, then `.br`/`.gz` beside each text file). Runs again only
//! when the sources change, never for changes under `node_modules/` or the output.
//!
//! Debug builds never run npm (`cargo test` needs no Node): they serve `web/dist/browser` from disk
//! when it exists. `WEARHOUSE_SKIP_WEB=1` skips the web build in release builds too.

use std::path::Path;
use std::process::Command;

/// What the web build reads; `node_modules/`, `dist/` and `.angular/` are left out on purpose.
const INPUTS: [&str; 9] = [
    "src",
    "public",
    "scripts",
    "package.json",
    "package-lock.json",
    "angular.json",
    "ngsw-config.json",
    "tsconfig.json",
    "tsconfig.app.json",
];

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let web = Path::new(&manifest).join("../../web");
    println!("cargo::rerun-if-env-changed=WEARHOUSE_SKIP_WEB");
    for input in INPUTS {
        println!("cargo::rerun-if-changed={}", web.join(input).display());
    }
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let skip = std::env::var("WEARHOUSE_SKIP_WEB").is_ok_and(|v| !v.is_empty() && v != "0");
    if !release || skip {
        return;
    }
    if !web.join("package.json").exists() {
        fail(&format!("{} has no package.json", web.display()));
    }
    if needs_install(&web) {
        npm(&web, &["ci", "--no-audit", "--no-fund"]);
    }
    npm(&web, &["run", "build"]);
}

/// Whether `npm ci` must run: no installed packages, or a lock file newer than the installation.
fn needs_install(web: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&web.join("node_modules/.package-lock.json")),
        modified(&web.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => lock > installed,
        _ => true,
    }
}

fn npm(web: &Path, args: &[&str]) {
    let shown = format!("npm {} (in {})", args.join(" "), web.display());
    match Command::new("npm").args(args).current_dir(web).status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!("{shown} failed ({status})")),
        Err(e) => fail(&format!(
            "cannot run {shown}: {e}. Install Node.js 20+ and npm, or set WEARHOUSE_SKIP_WEB=1 to build without the dashboard"
        )),
    }
}

fn fail(message: &str) -> ! {
    println!("cargo::error=web dashboard: {message}");
    std::process::exit(1);
}
