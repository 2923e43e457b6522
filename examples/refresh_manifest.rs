//! Rewrites the `[files]` table of a dataset's `MANIFEST.toml` with the sha256 of every `.toml`
//! file in the directory, keeping everything above it (bump `dataset_version` by hand). A
//! manifest without `verified_horizon_months` gets the default one, so that every manifest
//! it writes states how long its rates count as verified.
//!
//! `cargo run --example refresh_manifest -- data`

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "data".to_owned());
    let path = std::path::Path::new(&dir).join(landed::data::MANIFEST);
    let run = || -> Result<String, Box<dyn std::error::Error>> {
        let old = std::fs::read_to_string(&path)?;
        let head = old.split("\n[files]").next().unwrap_or(&old).trim_end();
        let mut out = head.to_owned();
        if !head
            .lines()
            .any(|l| l.trim_start().starts_with("verified_horizon_months"))
        {
            let months = landed::data::DEFAULT_VERIFIED_HORIZON_MONTHS;
            out.push_str(&format!("\nverified_horizon_months = {months}"));
        }
        out.push_str("\n\n[files]\n");
        for (name, hash) in landed::data::file_hashes(&dir)? {
            out.push_str(&format!("\"{name}\" = \"{hash}\"\n"));
        }
        std::fs::write(&path, &out)?;
        Ok(out)
    };
    match run() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
