//! `wearhouse config --print`.

use crate::config::Config;

pub fn run(config: &Config, print: bool) -> anyhow::Result<()> {
    if !print {
        anyhow::bail!("nothing to do: use `wearhouse config --print`");
    }
    print!("{}", config.to_masked_toml());
    Ok(())
}
