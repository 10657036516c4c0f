//! Output options per command: `-o FORMAT` lists only the formats that command renders, and
//! `-O FILE` writes the output to a file instead of standard output (`-`: stdout).

use std::path::PathBuf;

use crate::render::Format;

/// What a command was asked to produce.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// `-o` and `-O` with the formats `$f…` (the first is the default).
macro_rules! output_args {
    ($(#[$doc:meta])* $name:ident: $default:ident $(, $f:ident)*) => {
        $(#[$doc])*
        #[derive(Debug, Clone, clap::Args)]
        pub struct $name {
            /// Output format.
            #[arg(
                short = 'o',
                long = "output",
                value_name = "FORMAT",
                default_value = stringify!($default),
                value_parser = clap::builder::TypedValueParser::map(
                    clap::builder::PossibleValuesParser::new([stringify!($default) $(, stringify!($f))*]),
                    |s: String| <Format as clap::ValueEnum>::from_str(&s, false).expect("a listed format"),
                )
            )]
            pub format: Format,
            /// Write the output to FILE instead of stdout (`-`: stdout). An existing file is
            /// replaced atomically and keeps its mode and owner; a link is followed; a device
            /// or FIFO is written into.
            #[arg(short = 'O', long = "output-file", value_name = "FILE")]
            pub output_file: Option<PathBuf>,
        }

        impl $name {
            pub fn get(&self) -> Output {
                Output {
                    format: self.format,
                    file: self.output_file.clone(),
                }
            }
        }
    };
}

output_args!(
    /// Output of the report commands (releases, rc, upgrade path).
    TextOutput: table, json, markdown
);
output_args!(
    /// Output of `upgrade check`.
    CheckOutput: table, json, junit, markdown
);
output_args!(
    /// Output of `upgrade validate`.
    ValidateOutput: table, json, junit, markdown
);
output_args!(
    /// Output of `upgrade plan`.
    PlanOutput: table, json, markdown, ics, statuspage, html
);
output_args!(
    /// Output of `upgrade record`.
    RecordOutput: table, json
);
output_args!(
    /// The summary of `upgrade probe` (the log itself goes to `--log`).
    ProbeOutput: table, json
);
output_args!(
    /// Output of `notes` (table and markdown are the same Markdown document).
    NotesOutput: table, markdown, json
);
