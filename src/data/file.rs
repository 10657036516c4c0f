//! One way to load a data file: read it, parse it as its type (YAML with the shared
//! budgets, file:line:col errors) and refuse a `schema_version` this tool does not read.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::{DataDir, DataError, DataErrorKind};

/// A type of data file (`releases/scs/*.yaml`, `releases/checks/*.yaml`, a site file, …).
pub trait DataFile: DeserializeOwned {
    /// The `schema_version` this tool reads.
    const SCHEMA_VERSION: u32;
    /// The `schema_version` the file declares.
    fn schema_version(&self) -> u32;
}

/// `text` (from `path`, for messages) as a `T`.
pub fn parse<T: DataFile>(text: &str, path: &Path) -> Result<T, DataError> {
    let err = |kind| DataError {
        file: path.to_path_buf(),
        kind,
    };
    let value: T =
        crate::base::yaml::from_str(text, path).map_err(|e| err(DataErrorKind::Yaml(e)))?;
    if value.schema_version() != T::SCHEMA_VERSION {
        return Err(err(DataErrorKind::Unsupported {
            found: value.schema_version(),
            reads: T::SCHEMA_VERSION,
        }));
    }
    Ok(value)
}

impl DataDir {
    /// The data file `rel` as a `T`, with the path to name it by in later messages.
    pub fn load<T: DataFile>(&self, rel: &str) -> Result<(T, PathBuf), DataError> {
        let path = self.display_path(rel);
        let text = self.read(rel)?;
        Ok((parse(&text, &path)?, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Two {
        schema_version: u32,
    }

    impl DataFile for Two {
        const SCHEMA_VERSION: u32 = 2;
        fn schema_version(&self) -> u32 {
            self.schema_version
        }
    }

    #[test]
    fn refuses_another_schema_version_and_locates_yaml_errors() {
        let p = Path::new("releases/x.yaml");
        assert!(parse::<Two>("schema_version: 2\n", p).is_ok());
        assert_eq!(
            parse::<Two>("schema_version: 1\n", p)
                .err()
                .unwrap()
                .to_string(),
            "releases/x.yaml: schema_version: 1 is not supported (this tool reads 2)"
        );
        let e = parse::<Two>("schema_version: [\n", p)
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("releases/x.yaml:"), "{e}");
        assert!(!e.starts_with("releases/x.yaml: releases/x.yaml"), "{e}");
    }
}
