//! Two releases given as positional `FROM TO` (as `git diff` takes them) or as `--from` /
//! `--to` (as `upgrade *` and `notes` take them), or one of each.

/// `[FROM] [TO] [--from RELEASE] [--to RELEASE]`
#[derive(Debug, Clone, clap::Args)]
pub struct Range {
    /// The older release (`6.0.0`, `R5`, `7.0.0a`); or --from.
    #[arg(value_name = "FROM")]
    pub first: Option<String>,
    /// The newer release (`7.0.0`, `R6`, `7.0.0b`); or --to.
    #[arg(value_name = "TO")]
    pub second: Option<String>,
    /// The older release (instead of the first positional).
    #[arg(long = "from", value_name = "RELEASE")]
    pub from: Option<String>,
    /// The newer release (instead of the second positional).
    #[arg(long = "to", value_name = "RELEASE")]
    pub to: Option<String>,
}

impl Range {
    /// (from, to): the flags take their places, the positionals fill the others in order.
    pub fn resolve(self, command: &str) -> Result<(String, String), crate::app::Error> {
        let mut slots = [self.from, self.to];
        let mut rest = self.first.into_iter().chain(self.second);
        for slot in slots.iter_mut().filter(|s| s.is_none()) {
            *slot = rest.next();
        }
        let usage = || {
            format!(
                "`{command}` compares two releases: `scs-release {command} 6.0.0 7.0.0` or `scs-release {command} --from 6.0.0 --to 7.0.0`"
            )
        };
        if let Some(extra) = rest.next() {
            return Err(crate::app::Error::Usage(format!(
                "unexpected release `{extra}`: --from and --to already name both; {}",
                usage()
            )));
        }
        match slots {
            [Some(from), Some(to)] => Ok((from, to)),
            [None, _] => Err(crate::app::Error::Usage(format!(
                "the older release is missing; {}",
                usage()
            ))),
            [_, None] => Err(crate::app::Error::Usage(format!(
                "the newer release is missing; {}",
                usage()
            ))),
        }
    }
}
