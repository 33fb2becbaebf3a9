//! Input sources: files, folders (recursive), gzip, and standard input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use thiserror::Error;

/// File name endings read from folders; each may also end in `.gz`.
pub const LOG_EXTENSIONS: [&str; 4] = ["json", "ndjson", "jsonl", "log"];

/// Where log lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSource {
    /// A file (gzip when its name ends in `.gz` or its content starts with the gzip magic).
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl InputSource {
    /// The name used in messages and as `_sourceName`: the path, or `-` for stdin.
    pub fn name(&self) -> String {
        match self {
            InputSource::File(path) => path.display().to_string(),
            InputSource::Stdin => "-".to_string(),
        }
    }

    /// Opens the source as a stream of bytes, decompressed when it is gzip.
    pub fn open_bytes(&self) -> Result<Box<dyn Read + Send>, ReadError> {
        Ok(match self {
            InputSource::Stdin => Box::new(io::stdin()),
            InputSource::File(path) => {
                let file = File::open(path).map_err(|e| ReadError::Open(path.clone(), e))?;
                let mut buffered = BufReader::new(file);
                let is_gzip = buffered
                    .fill_buf()
                    .map(|b| b.starts_with(&[0x1f, 0x8b]))
                    .unwrap_or(false);
                if is_gzip {
                    Box::new(MultiGzDecoder::new(buffered))
                } else {
                    Box::new(buffered)
                }
            }
        })
    }
}

/// A plain file (not gzip) that several threads read at once, each at offsets of its own.
/// It is read as it was when opened: bytes appended later are not read.
#[derive(Debug)]
pub struct PlainFile {
    file: File,
    size: u64,
}

impl InputSource {
    /// The source as a [`PlainFile`] when it is one: a regular file whose content does not
    /// start with the gzip magic. `None` for anything else (and on systems without reads at
    /// an offset), which is read as a stream with [`InputSource::open_bytes`].
    pub fn open_plain(&self) -> Result<Option<PlainFile>, ReadError> {
        let InputSource::File(path) = self else {
            return Ok(None);
        };
        if !cfg!(unix) {
            return Ok(None);
        }
        let open_error = |e| ReadError::Open(path.clone(), e);
        let file = File::open(path).map_err(open_error)?;
        let metadata = file.metadata().map_err(open_error)?;
        if !metadata.is_file() {
            return Ok(None);
        }
        let plain = PlainFile {
            file,
            size: metadata.len(),
        };
        let mut magic = [0; 2];
        let is_gzip =
            plain.size >= 2 && plain.read_exact_at(&mut magic, 0).is_ok() && magic == [0x1f, 0x8b];
        Ok((!is_gzip).then_some(plain))
    }
}

impl PlainFile {
    /// The file's size when it was opened.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Fills `buffer` with the bytes from `offset` on. Fails when the file ends first (it was
    /// cut while being read).
    #[cfg(unix)]
    pub fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buffer, offset)
    }

    /// Reads at an offset only on Unix; elsewhere [`InputSource::open_plain`] makes no plain
    /// file.
    #[cfg(not(unix))]
    pub fn read_exact_at(&self, _buffer: &mut [u8], _offset: u64) -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Errors opening or reading inputs.
#[derive(Debug, Error)]
pub enum ReadError {
    /// A path does not exist or cannot be opened.
    #[error("cannot open {0}: {1}")]
    Open(PathBuf, #[source] io::Error),
    /// A folder cannot be listed.
    #[error("cannot list folder {0}: {1}")]
    List(PathBuf, #[source] io::Error),
    /// Reading failed part way (for instance a corrupt gzip stream).
    #[error("cannot read {0}: {1}")]
    Read(String, #[source] io::Error),
}

/// Turns command-line paths into sources: `-` is stdin, a folder gives its log files
/// (recursively, sorted by path), a file is itself. No paths means stdin.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<InputSource>, ReadError> {
    if paths.is_empty() {
        return Ok(vec![InputSource::Stdin]);
    }
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(InputSource::Stdin);
        } else if path.is_dir() {
            let mut files = Vec::new();
            collect_folder(path, &mut files)?;
            files.sort();
            sources.extend(files.into_iter().map(InputSource::File));
        } else if path.exists() {
            sources.push(InputSource::File(path.clone()));
        } else {
            return Err(ReadError::Open(
                path.clone(),
                io::Error::new(io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    Ok(sources)
}

fn collect_folder(folder: &Path, files: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let entries =
        std::fs::read_dir(folder).map_err(|e| ReadError::List(folder.to_path_buf(), e))?;
    for entry in entries {
        let path = entry
            .map_err(|e| ReadError::List(folder.to_path_buf(), e))?
            .path();
        if path.is_dir() {
            collect_folder(&path, files)?;
        } else if is_log_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

/// Whether a file in a folder is read: its name ends in a log extension, optionally `.gz`.
fn is_log_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    LOG_EXTENSIONS
        .iter()
        .any(|ext| name.rsplit_once('.').is_some_and(|(_, e)| e == *ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_files_are_chosen_by_extension() {
        assert!(is_log_file(Path::new("a/b.ndjson")));
        assert!(is_log_file(Path::new("b.log.gz")));
        assert!(!is_log_file(Path::new("README.md")));
        assert!(!is_log_file(Path::new("gz")));
    }
}
