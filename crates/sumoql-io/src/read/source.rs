//! Input sources: files, folders (recursive), compressed files, and standard input.
//!
//! Compression is told by content, never by name: gzip (`1f 8b`) and zstd (`28 b5 2f fd`) are
//! decompressed wherever they come from, standard input included.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use thiserror::Error;

/// File name endings read from folders, in any case. A rotated copy (`.1`, `.2`, `-20240301`)
/// and a compressed one (`.gz`, `.zst`) of such a file are read too.
pub const LOG_EXTENSIONS: [&str; 7] = ["json", "ndjson", "jsonl", "log", "txt", "syslog", "out"];

/// Names of system log files that have no extension (`/var/log/syslog`, `messages`,
/// `secure`), read from folders like the extensions above.
pub const LOG_FILE_NAMES: [&str; 4] = ["syslog", "messages", "secure", "auth"];

/// Endings of compressed files, dropped before a name is judged.
const COMPRESSED_EXTENSIONS: [&str; 3] = ["gz", "zst", "zstd"];

/// How a stream of bytes is compressed, told by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip, possibly several members one after the other.
    Gzip,
    /// zstd, possibly several frames one after the other.
    Zstd,
}

impl Compression {
    /// The compression whose magic number `start` begins with.
    pub fn of(start: &[u8]) -> Compression {
        if start.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if start.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// `reader`'s bytes, decompressed as its first bytes say; `name` names the input in
    /// errors.
    fn decoder<R: BufRead + Send + 'static>(
        mut reader: R,
        name: &str,
    ) -> Result<Box<dyn Read + Send>, ReadError> {
        let failed = |e| ReadError::Read(name.to_string(), e);
        let start = reader.fill_buf().map_err(failed)?;
        Ok(match Compression::of(start) {
            Compression::None => Box::new(reader),
            Compression::Gzip => Box::new(MultiGzDecoder::new(reader)),
            Compression::Zstd => {
                Box::new(zstd::stream::read::Decoder::with_buffer(reader).map_err(failed)?)
            }
        })
    }
}

/// Where log lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSource {
    /// A file (decompressed when its content is gzip or zstd).
    File(PathBuf),
    /// Standard input (decompressed the same way).
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

    /// Opens the source as a stream of bytes, decompressed when it is gzip or zstd.
    pub fn open_bytes(&self) -> Result<Box<dyn Read + Send>, ReadError> {
        match self {
            InputSource::Stdin => Compression::decoder(BufReader::new(io::stdin()), "-"),
            InputSource::File(path) => {
                let file = File::open(path).map_err(|e| ReadError::Open(path.clone(), e))?;
                Compression::decoder(BufReader::new(file), &self.name())
            }
        }
    }
}

/// A plain file (not compressed) that several threads read at once, each at offsets of its own.
/// It is read as it was when opened: bytes appended later are not read.
#[derive(Debug)]
pub struct PlainFile {
    file: File,
    size: u64,
}

impl InputSource {
    /// The source as a [`PlainFile`] when it is one: a regular file whose content does not
    /// start with a compression's magic number. `None` for anything else (and on systems without reads at
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
        let mut magic = [0; 4];
        let length = plain.size.min(4) as usize;
        let read = plain.read_exact_at(&mut magic[..length], 0).is_ok();
        let compressed = read && Compression::of(&magic[..length]) != Compression::None;
        Ok((!compressed).then_some(plain))
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
    /// A folder holds no file that reads as a log.
    #[error("{}", empty_folder_message(.folder, .skipped))]
    EmptyFolder {
        /// The folder.
        folder: PathBuf,
        /// The files in it that were left out, by name.
        skipped: Vec<PathBuf>,
    },
}

/// How many skipped files an [`ReadError::EmptyFolder`] message names.
const SKIPPED_NAMES_SHOWN: usize = 5;

fn empty_folder_message(folder: &Path, skipped: &[PathBuf]) -> String {
    let folder = folder.display();
    if skipped.is_empty() {
        return format!("no log files in {folder}: the folder (and every folder in it) is empty");
    }
    let names: Vec<String> = skipped
        .iter()
        .take(SKIPPED_NAMES_SHOWN)
        .map(|path| path.display().to_string())
        .collect();
    let more = skipped.len().saturating_sub(SKIPPED_NAMES_SHOWN);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "no log files in {folder}: {} file(s) skipped because their names are not those of logs \
         ({}{more}); a folder gives files ending in .{} (any case, also rotated as .1 or \
         -20240301, and compressed as .gz or .zst) and files named {}; name a file to read it \
         whatever its name",
        skipped.len(),
        names.join(", "),
        LOG_EXTENSIONS.join(" ."),
        LOG_FILE_NAMES.join(", "),
    )
}

/// Turns command-line paths into sources: `-` is stdin, a folder gives its log files
/// (recursively, sorted by path; hidden files and folders are left out), a file is itself.
/// No paths means stdin. A folder without a single log file is an error that says what it
/// held.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<InputSource>, ReadError> {
    if paths.is_empty() {
        return Ok(vec![InputSource::Stdin]);
    }
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(InputSource::Stdin);
        } else if path.is_dir() {
            let (mut files, mut skipped) = (Vec::new(), Vec::new());
            collect_folder(path, &mut files, &mut skipped)?;
            if files.is_empty() {
                skipped.sort();
                return Err(ReadError::EmptyFolder {
                    folder: path.clone(),
                    skipped,
                });
            }
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

fn collect_folder(
    folder: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> Result<(), ReadError> {
    let entries =
        std::fs::read_dir(folder).map_err(|e| ReadError::List(folder.to_path_buf(), e))?;
    for entry in entries {
        let path = entry
            .map_err(|e| ReadError::List(folder.to_path_buf(), e))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_folder(&path, files, skipped)?;
        } else if is_log_file(&path) {
            files.push(path);
        } else {
            skipped.push(path);
        }
    }
    Ok(())
}

/// Whether a file in a folder is read: its name, in any case, less a compression ending and
/// a rotation ending (`.1`, `-20240301`), ends in a log extension or is a system log's name.
fn is_log_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut name = name.to_ascii_lowercase();
    if let Some((stem, ext)) = name.rsplit_once('.') {
        if COMPRESSED_EXTENSIONS.contains(&ext) {
            name.truncate(stem.len());
        }
    }
    let rotation = |stem: &str, number: &str| {
        !stem.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
    };
    let base = match name.rsplit_once(['.', '-']) {
        Some((stem, number)) if rotation(stem, number) => stem,
        _ => &name,
    };
    let extension_known = base
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && LOG_EXTENSIONS.contains(&ext));
    extension_known || LOG_FILE_NAMES.contains(&base)
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

    #[test]
    fn rotated_compressed_and_upper_case_logs_are_chosen_too() {
        for name in [
            "fw.log.1",
            "fw.log.2.gz",
            "fw.log-20240301",
            "fw.log-20240301.zst",
            "FW.LOG",
            "Export.JSON.GZ",
            "notes.txt",
            "edge.syslog",
            "syslog",
            "syslog.1",
            "messages-20240301.gz",
            "secure",
        ] {
            assert!(is_log_file(Path::new(name)), "{name}");
        }
        for name in [
            "fw.csv",
            "fw.log.bak",
            "fw.1",
            ".log",
            "log",
            "a.gz",
            "a.log.x.gz",
        ] {
            assert!(!is_log_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn compression_is_told_by_the_first_bytes() {
        assert_eq!(Compression::of(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::of(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Compression::Zstd
        );
        assert_eq!(Compression::of(b"{\"a\":1}"), Compression::None);
        assert_eq!(Compression::of(&[0x1f]), Compression::None);
    }

    #[test]
    fn a_folder_without_logs_says_what_it_skipped() {
        let folder = std::env::temp_dir().join(format!("sumoql-empty-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("sub")).unwrap();
        let error = expand_paths(std::slice::from_ref(&folder)).unwrap_err();
        assert!(error.to_string().contains("is empty"), "{error}");
        std::fs::write(folder.join("sub/a.csv"), "x").unwrap();
        std::fs::write(folder.join(".hidden.log"), "x").unwrap();
        let error = expand_paths(std::slice::from_ref(&folder)).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("1 file(s) skipped"), "{message}");
        assert!(message.contains("a.csv"), "{message}");
        std::fs::write(folder.join("sub/b.log.1"), "x").unwrap();
        let sources = expand_paths(std::slice::from_ref(&folder)).unwrap();
        assert_eq!(sources, [InputSource::File(folder.join("sub/b.log.1"))]);
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
