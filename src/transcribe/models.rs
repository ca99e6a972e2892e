//! The Whisper models: the ones mockview knows (name, size, checksum, what
//! they suit), the folder they are installed in, which file a run uses, and
//! installing one from a local file or a download.
//!
//! A model is a ggml file as whisper.cpp's project publishes it. Installing
//! never leaves a half-written file: the bytes go to a temporary file in the
//! models folder, are checked (size, SHA-1, ggml header), fsynced, and only
//! then renamed to their final name. `download` is the only code in mockview
//! that opens a network connection (`mockview model get`).

use sha1::{Digest, Sha1};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The models `model list` shows and `model get` can download, smallest
/// first. Sizes and SHA-1 sums are those of whisper.cpp's models README.
pub const KNOWN_MODELS: &[KnownModel] = &[
    KnownModel {
        name: "tiny.en",
        bytes: 77_704_715,
        sha1: "c78c86eb1a8faa21b369bcd33207cc90d64ae9df",
        suits: "fastest; practice on a laptop (a 2-minute answer in ~15 s on 2 cores)",
    },
    KnownModel {
        name: "base.en",
        bytes: 147_964_211,
        sha1: "137c40403d78fd54d454da0f9bd998f78703390c",
        suits: "fewer word errors, about twice as slow as tiny.en",
    },
    KnownModel {
        name: "small.en",
        bytes: 487_614_201,
        sha1: "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022",
        suits: "best here, ~6x slower than tiny.en: re-transcribe afterwards",
    },
];

/// Where `model get` downloads from unless `MOCKVIEW_MODEL_URL` says otherwise
/// (tests point it at a server on 127.0.0.1).
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// whisper.cpp's file magic, the first four bytes (little-endian "ggml").
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// Bytes of the header checked by `read_header`: magic and 11 hyperparameters.
const HEADER_BYTES: usize = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownModel {
    pub name: &'static str,
    pub bytes: u64,
    pub sha1: &'static str,
    pub suits: &'static str,
}

impl KnownModel {
    pub fn find(name: &str) -> Option<&'static KnownModel> {
        KNOWN_MODELS.iter().find(|m| m.name == name)
    }

    /// The file name whisper.cpp's project (and the models folder) uses.
    pub fn file_name(&self) -> String {
        format!("ggml-{}.bin", self.name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("no model `{0}`: known models are tiny.en, base.en and small.en (see `mockview model list`)")]
    Unknown(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a ggml Whisper model ({reason})")]
    NotAModel { path: PathBuf, reason: String },
    #[error("cannot download {url}: {reason}")]
    Download { url: String, reason: String },
    #[error("the download of {name} is {got} bytes, {expected} were expected: refused, nothing installed")]
    WrongSize {
        name: String,
        got: u64,
        expected: u64,
    },
    #[error("the download of {name} has SHA-1 {got}, {expected} was expected: refused, nothing installed")]
    WrongChecksum {
        name: String,
        got: String,
        expected: String,
    },
    #[error("no folder for models: set XDG_DATA_HOME or HOME, or give --model PATH")]
    NoDataDir,
    #[error(
        "{path} is not the published {name} (its size or SHA-1 differs): give it a name of its own"
    )]
    NotPublished { path: PathBuf, name: &'static str },
    #[error(
        "`{0}` cannot name a model: a plain file name is needed (no `/`, not starting with `.`)"
    )]
    BadName(String),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ModelError + '_ {
    move |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The shape of a model, read from its ggml header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelHeader {
    pub n_vocab: i32,
    pub n_audio_layer: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
}

impl ModelHeader {
    /// English-only models have a vocabulary one token shorter than the
    /// multilingual ones (51864 against 51865 and up).
    pub fn is_english_only(&self) -> bool {
        self.n_vocab == 51_864
    }

    /// The Whisper size this header describes, by its decoder depth.
    pub fn size_name(&self) -> Option<&'static str> {
        match self.n_text_layer {
            4 => Some("tiny"),
            6 => Some("base"),
            12 => Some("small"),
            24 => Some("medium"),
            32 => Some("large"),
            _ => None,
        }
    }
}

/// Check that `bytes` start like a ggml Whisper model and return its shape.
pub fn parse_header(bytes: &[u8]) -> Result<ModelHeader, String> {
    if bytes.len() < HEADER_BYTES {
        return Err(format!("only {} bytes", bytes.len()));
    }
    let int = |i: usize| i32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
    if int(0) as u32 != GGML_MAGIC {
        return Err("it does not start with the ggml magic".into());
    }
    // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
    // n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
    let header = ModelHeader {
        n_vocab: int(1),
        n_audio_layer: int(5),
        n_text_layer: int(9),
        n_mels: int(10),
    };
    let sane = (51_000..=52_000).contains(&header.n_vocab)
        && (1..=64).contains(&header.n_audio_layer)
        && (1..=64).contains(&header.n_text_layer)
        && (header.n_mels == 80 || header.n_mels == 128)
        && (1..=4096).contains(&int(2))
        && (1..=8192).contains(&int(3));
    if !sane {
        return Err(format!(
            "its header does not describe a Whisper model (vocabulary {}, {} audio layers, {} text layers, {} mel bands)",
            header.n_vocab, header.n_audio_layer, header.n_text_layer, header.n_mels
        ));
    }
    Ok(header)
}

/// Read and check a model file: its header, then its whole layout
/// (the private `check_layout`: every size fits the file), before
/// whisper.cpp is given it.
pub fn read_header(path: &Path) -> Result<ModelHeader, ModelError> {
    let mut buf = [0u8; HEADER_BYTES];
    let mut file = fs::File::open(path).map_err(io_err(path))?;
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]).map_err(io_err(path))? {
            0 => break,
            n => got += n,
        }
    }
    let not_a_model = |reason| ModelError::NotAModel {
        path: path.to_path_buf(),
        reason,
    };
    let header = parse_header(&buf[..got]).map_err(not_a_model)?;
    check_layout(&mut file).map_err(|e| e.of(path))?;
    Ok(header)
}

/// Why a model file's layout was refused.
#[derive(Debug)]
enum LayoutError {
    Io(io::Error),
    Bad(String),
}

impl LayoutError {
    fn of(self, path: &Path) -> ModelError {
        let path = path.to_path_buf();
        match self {
            LayoutError::Io(source) => ModelError::Io { path, source },
            LayoutError::Bad(reason) => ModelError::NotAModel { path, reason },
        }
    }
}

impl From<io::Error> for LayoutError {
    fn from(e: io::Error) -> Self {
        LayoutError::Io(e)
    }
}

/// Walk a ggml Whisper file from the end of its header to its last byte,
/// as whisper.cpp's loader will: the mel filters, the vocabulary, then
/// every tensor's shape, name and data. whisper.cpp trusts each size it
/// reads; in a file cut short it reads garbage sizes and aborts the whole
/// process with a C++ exception Rust cannot catch (a `practice` session
/// lost mid-answer), so a file reaches it only once every size fits.
/// Tensors of a type this walk does not know (newer quantisations) end the
/// walk: whisper.cpp judges the rest.
fn check_layout(file: &mut fs::File) -> Result<(), LayoutError> {
    use io::{Seek, SeekFrom};
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(HEADER_BYTES as u64))?;
    let mut r = io::BufReader::new(file);
    let mut at = HEADER_BYTES as u64;
    let cut = |at: u64, what: &str| {
        LayoutError::Bad(format!(
            "it is cut short: {len} bytes, {what} at byte {at} goes past the end"
        ))
    };
    // Reads one little-endian i32, or says the file ends inside `what`.
    let int = |r: &mut io::BufReader<&mut fs::File>, at: &mut u64, what: &str| {
        let mut b = [0u8; 4];
        r.read_exact(&mut b).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => cut(*at, what),
            _ => LayoutError::Io(e),
        })?;
        *at += 4;
        Ok::<i64, LayoutError>(i32::from_le_bytes(b).into())
    };
    let skip = |r: &mut io::BufReader<&mut fs::File>, at: &mut u64, n: u64, what: &str| {
        if *at + n > len {
            return Err(cut(*at, what));
        }
        r.seek_relative(n as i64)?;
        *at += n;
        Ok(())
    };
    let damaged = |what: String| LayoutError::Bad(format!("it is damaged: {what}"));

    let (n_mel, n_fft) = (
        int(&mut r, &mut at, "mel filters")?,
        int(&mut r, &mut at, "mel filters")?,
    );
    if !(1..=1024).contains(&n_mel) || !(1..=8192).contains(&n_fft) {
        return Err(damaged(format!("mel filters {n_mel} x {n_fft}")));
    }
    skip(
        &mut r,
        &mut at,
        (n_mel * n_fft * 4) as u64,
        "the mel filters",
    )?;
    let n_vocab = int(&mut r, &mut at, "the vocabulary")?;
    if !(1..=1_000_000).contains(&n_vocab) {
        return Err(damaged(format!("a vocabulary of {n_vocab} tokens")));
    }
    for _ in 0..n_vocab {
        let bytes = int(&mut r, &mut at, "the vocabulary")?;
        if !(0..=1024).contains(&bytes) {
            return Err(damaged(format!("a token of {bytes} bytes at byte {at}")));
        }
        skip(&mut r, &mut at, bytes as u64, "the vocabulary")?;
    }
    if at == len {
        return Err(cut(at, "the first tensor"));
    }
    while at < len {
        let n_dims = int(&mut r, &mut at, "a tensor")?;
        let name_len = int(&mut r, &mut at, "a tensor")?;
        let ttype = int(&mut r, &mut at, "a tensor")?;
        if !(1..=4).contains(&n_dims) || !(1..=1024).contains(&name_len) {
            return Err(damaged(format!(
                "a tensor of {n_dims} dimensions named in {name_len} bytes at byte {at}"
            )));
        }
        let mut elements: u64 = 1;
        for _ in 0..n_dims {
            let n = int(&mut r, &mut at, "a tensor's shape")?;
            if !(1..=1 << 24).contains(&n) {
                return Err(damaged(format!("a tensor dimension of {n} at byte {at}")));
            }
            elements = elements.saturating_mul(n as u64);
        }
        skip(&mut r, &mut at, name_len as u64, "a tensor's name")?;
        // ggml's (bytes per block, elements per block) of the types
        // whisper.cpp's converters write: f32, f16, q4_0, q4_1, q5_0,
        // q5_1, q8_0.
        let (block_bytes, block) = match ttype {
            0 => (4, 1),
            1 => (2, 1),
            2 => (18, 32),
            3 => (20, 32),
            6 => (22, 32),
            7 => (24, 32),
            8 => (34, 32),
            _ => return Ok(()),
        };
        skip(
            &mut r,
            &mut at,
            elements.div_ceil(block) * block_bytes,
            "a tensor's data",
        )?;
    }
    Ok(())
}

/// The smallest file that passes [`read_header`]: the header of a tiny.en
/// shaped model, one mel filter, two tokens, and one f16 tensor filling it
/// to `len` bytes (at least 96) with bytes from `fill`. For tests of
/// installing and choosing models, where whisper.cpp never loads it.
#[doc(hidden)]
pub fn minimal_model_file(len: usize, fill: u8) -> Vec<u8> {
    let mut b = Vec::with_capacity(len);
    let ints = |b: &mut Vec<u8>, v: &[i32]| v.iter().for_each(|v| b.extend(v.to_le_bytes()));
    ints(
        &mut b,
        &[
            GGML_MAGIC as i32,
            51_864,
            1500,
            384,
            6,
            4,
            448,
            384,
            6,
            4,
            80,
            1,
        ],
    );
    ints(&mut b, &[1, 1, 0, 2, 1]); // mel 1 x 1, its value, 2 tokens, 1 byte
    b.push(b'a');
    ints(&mut b, &[1]);
    b.push(b'b');
    // One f16 tensor: 1 dimension, its name's length, type 1, its size.
    let fixed = b.len() + 16;
    assert!(len >= fixed + 3, "a model file of {len} bytes is too small");
    let name = 1 + (len - fixed - 1) % 2;
    let elements = (len - fixed - name) / 2;
    ints(&mut b, &[1, name as i32, 1, elements as i32]);
    b.extend(std::iter::repeat_n(b'x', name));
    b.extend((0..elements * 2).map(|i| fill.wrapping_add((i * 7 % 251) as u8)));
    debug_assert_eq!(b.len(), len);
    b
}

/// The name a transcript records for a model file: the known name for
/// `ggml-NAME.bin` (`tiny.en`), else the file name.
pub fn model_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.strip_prefix("ggml-")
        .and_then(|f| f.strip_suffix(".bin"))
        .filter(|n| KnownModel::find(n).is_some())
        .map(str::to_string)
        .unwrap_or(file)
}

/// The folder of installed models: `$XDG_DATA_HOME/mockview/models`, or
/// `~/.local/share/mockview/models`.
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
}

/// One installed model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledModel {
    pub name: String,
    pub path: PathBuf,
    pub bytes: u64,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ModelStore { dir: dir.into() }
    }

    /// The default location: `models` in mockview's data folder
    /// (`config::data_dir`, `$XDG_DATA_HOME/mockview` on Linux).
    pub fn default_location() -> Result<Self, ModelError> {
        let data = crate::config::data_dir().ok_or(ModelError::NoDataDir)?;
        Ok(ModelStore::new(data.join("models")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Installed models (`*.bin` files in the folder), by name.
    pub fn installed(&self) -> Vec<InstalledModel> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut models: Vec<InstalledModel> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
            .map(|e| InstalledModel {
                name: model_name(&e.path()),
                bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
                path: e.path(),
            })
            .collect();
        models.sort_by(|a, b| a.name.cmp(&b.name));
        models
    }

    /// The model a run uses when none is given: the most accurate known
    /// model installed (the user downloaded it on purpose), else the first
    /// other installed file by name.
    pub fn default_model(&self) -> Option<InstalledModel> {
        let installed = self.installed();
        KNOWN_MODELS
            .iter()
            .rev()
            .find_map(|k| installed.iter().find(|m| m.name == k.name).cloned())
            .or_else(|| installed.into_iter().next())
    }

    fn ensure_dir(&self) -> Result<(), ModelError> {
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&self.dir).map_err(io_err(&self.dir))
    }

    /// Install a local model file, after checking that it is a ggml
    /// Whisper model, under `name` when given (`NAME.bin`; a known name is
    /// `ggml-NAME.bin` and must be that model), else under its own file
    /// name (`.bin` added if missing).
    ///
    /// Unnamed, a file that is a published model (its size and SHA-1)
    /// goes in under that model's name whatever it was called.
    ///
    /// A file named like a known model (`ggml-tiny.en.bin`) that is not the
    /// published one (a converted or fine-tuned tiny.en: another size or
    /// SHA-1) is still a model, but calling it `tiny.en` would be untrue,
    /// in `model list` and in every transcript it makes: it is installed
    /// under its own name, the file's with the start of its SHA-1
    /// (`ggml-tiny.en-1a2b3c4d.bin`), and [`Added::differs_from`] says so.
    pub fn add(&self, source: &Path, name: Option<&str>) -> Result<Added, ModelError> {
        self.add_among(source, name, KNOWN_MODELS)
    }

    /// [`Self::add`] with `known` as the published models (tests give
    /// their own: no test file has a published model's checksum).
    fn add_among(
        &self,
        source: &Path,
        name: Option<&str>,
        known: &'static [KnownModel],
    ) -> Result<Added, ModelError> {
        let find = |name: &str| known.iter().find(|k| k.name == name);
        read_header(source)?;
        let not_a_model = |reason: String| ModelError::NotAModel {
            path: source.to_path_buf(),
            reason,
        };
        let file_name = match name {
            Some(name) => {
                if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
                    return Err(ModelError::BadName(name.to_string()));
                }
                match find(name) {
                    Some(k) => k.file_name(),
                    None if name.ends_with(".bin") => name.to_string(),
                    None => format!("{name}.bin"),
                }
            }
            None => {
                let file_name = source
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .ok_or_else(|| not_a_model("it has no file name".into()))?;
                if file_name.ends_with(".bin") {
                    file_name
                } else {
                    format!("{file_name}.bin")
                }
            }
        };
        let claimed = file_name
            .strip_prefix("ggml-")
            .and_then(|f| f.strip_suffix(".bin"))
            .and_then(find);
        let mut input = fs::File::open(source).map_err(io_err(source))?;
        let mut differs_from = None;
        let model = self.install(&mut input, &mut |_, _| {}, &mut |bytes, sha1| {
            let Some(known) = claimed else {
                // The published file under another name (`tiny.en.bin`, a
                // copy from a colleague) is that model: its known name.
                let same = known.iter().find(|k| k.bytes == bytes && k.sha1 == sha1);
                return Ok(match same {
                    Some(k) if name.is_none() => k.file_name(),
                    _ => file_name.clone(),
                });
            };
            if bytes == known.bytes && sha1 == known.sha1 {
                return Ok(file_name.clone());
            }
            if name.is_some() {
                // Asked for by name: the name is the published model's.
                return Err(ModelError::NotPublished {
                    path: source.to_path_buf(),
                    name: known.name,
                });
            }
            differs_from = Some(known);
            let stem = file_name.strip_suffix(".bin").unwrap_or(&file_name);
            Ok(format!("{stem}-{}.bin", &sha1[..8]))
        })?;
        Ok(Added {
            model,
            differs_from,
        })
    }

    /// Download a known model from `base_url` (`{base_url}/ggml-NAME.bin`).
    /// `progress(done, total)` is called as bytes arrive. A download of the
    /// wrong size or checksum, or cut short, leaves nothing behind.
    pub fn download(
        &self,
        model: &KnownModel,
        base_url: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<InstalledModel, ModelError> {
        let url = format!("{}/{}", base_url.trim_end_matches('/'), model.file_name());
        let download_err = |reason: String| ModelError::Download {
            url: url.clone(),
            reason,
        };
        let response = ureq::get(&url)
            .call()
            .map_err(|e| download_err(e.to_string()))?;
        let mut body = response.into_body();
        // One byte more than the model is enough to tell a wrong size.
        let mut reader = body
            .with_config()
            .limit(model.bytes + 1)
            .reader()
            .take(model.bytes + 1);
        let file_name = model.file_name();
        self.install(&mut reader, progress, &mut |bytes, sha1| {
            if bytes != model.bytes {
                Err(ModelError::WrongSize {
                    name: model.name.to_string(),
                    got: bytes,
                    expected: model.bytes,
                })
            } else if sha1 != model.sha1 {
                Err(ModelError::WrongChecksum {
                    name: model.name.to_string(),
                    got: sha1.to_string(),
                    expected: model.sha1.to_string(),
                })
            } else {
                Ok(file_name.clone())
            }
        })
        .map_err(|e| match e {
            ModelError::Io { path, source } if path.as_os_str().is_empty() => {
                download_err(source.to_string())
            }
            other => other,
        })
    }

    /// Copy `input` into a temporary file in the models folder, check its
    /// ggml header, let `name_for(bytes, sha1)` name it (or refuse it), fsync
    /// it and rename it to that name (mode 0600). Read errors come back as
    /// `Io` with an empty path (the caller names the source). `progress(done,
    /// total)` is called as bytes arrive.
    fn install(
        &self,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64, u64),
        name_for: &mut dyn FnMut(u64, &str) -> Result<String, ModelError>,
    ) -> Result<InstalledModel, ModelError> {
        self.ensure_dir()?;
        // tempfile creates its files 0600 and removes them when dropped, so
        // every early return below leaves nothing behind.
        let mut tmp = tempfile::Builder::new()
            .prefix(".part-")
            .tempfile_in(&self.dir)
            .map_err(io_err(&self.dir))?;
        let mut hasher = Sha1::new();
        let mut header = Vec::with_capacity(HEADER_BYTES);
        let mut done = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(ModelError::Io {
                        path: PathBuf::new(),
                        source,
                    })
                }
            };
            let chunk = &buf[..n];
            if header.len() < HEADER_BYTES {
                let want = (HEADER_BYTES - header.len()).min(n);
                header.extend_from_slice(&chunk[..want]);
            }
            hasher.update(chunk);
            tmp.write_all(chunk).map_err(io_err(tmp.path()))?;
            done += n as u64;
            progress(done, done);
        }
        let sha1 = format!("{:x}", hasher.finalize());
        let file_name = name_for(done, &sha1)?;
        let target = self.dir.join(&file_name);
        parse_header(&header).map_err(|reason| ModelError::NotAModel {
            path: target.clone(),
            reason,
        })?;
        // A download cut short, or a file whose sizes do not add up, never
        // reaches the models folder (nor whisper.cpp).
        check_layout(tmp.as_file_mut()).map_err(|e| e.of(&target))?;
        tmp.as_file().sync_all().map_err(io_err(tmp.path()))?;
        tmp.persist(&target).map_err(|e| ModelError::Io {
            path: target.clone(),
            source: e.error,
        })?;
        crate::durable::sync_dir(&self.dir);
        Ok(InstalledModel {
            name: model_name(&target),
            bytes: done,
            path: target,
        })
    }
}

/// A model installed from a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub model: InstalledModel,
    /// The known model the file was named like but is not (another size or
    /// checksum): it was installed under its own name instead.
    pub differs_from: Option<&'static KnownModel>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(n_vocab: i32, text_layers: i32) -> Vec<u8> {
        let mut h = Vec::new();
        for v in [
            GGML_MAGIC as i32,
            n_vocab,
            1500,
            384,
            6,
            4,
            448,
            384,
            6,
            text_layers,
            80,
            1,
        ] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h
    }

    #[test]
    fn header_checks_magic_and_shape() {
        let h = parse_header(&header(51_864, 4)).unwrap();
        assert!(h.is_english_only());
        assert_eq!(h.size_name(), Some("tiny"));
        assert!(parse_header(b"RIFF....WAVEfmt ").is_err());
        let mut bad = header(51_864, 4);
        bad[0] = b'x';
        assert!(parse_header(&bad).unwrap_err().contains("magic"));
        assert!(parse_header(&header(7, 4))
            .unwrap_err()
            .contains("vocabulary 7"));
    }

    /// A model file cut short anywhere after its header made whisper.cpp
    /// abort the process (a C++ exception through Rust); it is refused,
    /// one line, before whisper.cpp sees it.
    #[test]
    fn a_model_cut_short_anywhere_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let whole = minimal_model_file(160, 3);
        let path = tmp.path().join("m.bin");
        fs::write(&path, &whole).unwrap();
        read_header(&path).unwrap();
        for len in HEADER_BYTES..whole.len() {
            fs::write(&path, &whole[..len]).unwrap();
            let e = read_header(&path).unwrap_err().to_string();
            assert!(e.contains("cut short"), "{len} bytes: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
        // A size no model has (a vocabulary of -1 tokens) is damage.
        let mut bad = whole.clone();
        bad[60..64].copy_from_slice(&(-1i32).to_le_bytes());
        fs::write(&path, &bad).unwrap();
        let e = read_header(&path).unwrap_err().to_string();
        assert!(e.contains("damaged: a vocabulary of -1 tokens"), "{e}");
    }

    #[test]
    fn names_of_model_files() {
        assert_eq!(model_name(Path::new("/m/ggml-tiny.en.bin")), "tiny.en");
        assert_eq!(model_name(Path::new("/m/ggml-tiny.bin")), "ggml-tiny.bin");
        assert_eq!(model_name(Path::new("my-model.bin")), "my-model.bin");
        assert_eq!(
            KnownModel::find("base.en").unwrap().file_name(),
            "ggml-base.en.bin"
        );
    }

    #[test]
    fn add_checks_and_installs_privately() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ModelStore::new(tmp.path().join("models"));
        let src = tmp.path().join("custom.bin");
        let bytes = minimal_model_file(200, 0);
        fs::write(&src, &bytes).unwrap();
        let added = store.add(&src, None).unwrap();
        assert_eq!(added.differs_from, None);
        let m = added.model;
        assert_eq!(m.name, "custom.bin");
        assert_eq!(fs::read(&m.path).unwrap(), bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&m.path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        assert_eq!(store.default_model().unwrap().path, m.path);

        // Not a model: refused, nothing left behind.
        let wav = tmp.path().join("a.wav");
        fs::write(
            &wav,
            b"RIFF\0\0\0\0WAVEfmt xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        )
        .unwrap();
        assert!(matches!(
            store.add(&wav, None),
            Err(ModelError::NotAModel { .. })
        ));
        let files = || {
            let mut names: Vec<String> = fs::read_dir(store.dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(files(), vec!["custom.bin"]);
    }

    /// The published file under another name is that model: known by its
    /// size and SHA-1, not only its file name (unless `--name` says).
    #[test]
    fn a_published_model_under_another_name_is_known_by_its_checksum() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ModelStore::new(tmp.path().join("models"));
        let bytes = minimal_model_file(300, 9);
        let published: &'static [KnownModel] = Box::leak(Box::new([KnownModel {
            name: "tiny.en",
            bytes: bytes.len() as u64,
            sha1: Box::leak(format!("{:x}", Sha1::digest(&bytes)).into_boxed_str()),
            suits: "",
        }]));
        let copy = tmp.path().join("tiny.en.bin");
        fs::write(&copy, &bytes).unwrap();
        let added = store.add_among(&copy, None, published).unwrap();
        assert_eq!(added.model.name, "tiny.en");
        assert_eq!(added.model.path, store.dir().join("ggml-tiny.en.bin"));
        let named = store.add_among(&copy, Some("mine"), published).unwrap();
        assert_eq!(named.model.name, "mine.bin");
    }

    /// A valid model named like a published one that is not it (issue 21:
    /// it was refused as "not a ggml Whisper model").
    #[test]
    fn a_model_named_like_a_published_one_is_installed_under_its_own_name() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ModelStore::new(tmp.path().join("models"));
        let bytes = minimal_model_file(200, 7);
        let fine_tuned = tmp.path().join("ggml-tiny.en.bin");
        fs::write(&fine_tuned, &bytes).unwrap();
        let sha1 = format!("{:x}", Sha1::digest(&bytes));

        let added = store.add(&fine_tuned, None).unwrap();
        assert_eq!(added.differs_from.map(|k| k.name), Some("tiny.en"));
        let own = format!("ggml-tiny.en-{}.bin", &sha1[..8]);
        assert_eq!(added.model.name, own, "not called tiny.en");
        assert_eq!(fs::read(store.dir().join(&own)).unwrap(), bytes);
        assert!(!store.dir().join("ggml-tiny.en.bin").exists());
        assert!(store.installed().iter().all(|m| m.name != "tiny.en"));

        // --name: under that name; but not under the published one's.
        let named = store.add(&fine_tuned, Some("tiny-ft")).unwrap();
        assert_eq!(named.model.name, "tiny-ft.bin");
        assert_eq!(named.differs_from, None);
        let e = store.add(&fine_tuned, Some("tiny.en")).unwrap_err();
        assert!(
            matches!(
                e,
                ModelError::NotPublished {
                    name: "tiny.en",
                    ..
                }
            ),
            "{e}"
        );
        assert!(matches!(
            store.add(&fine_tuned, Some("../x")),
            Err(ModelError::BadName(_))
        ));
        let mut files: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, vec![own, "tiny-ft.bin".to_string()]);
    }

    #[test]
    fn default_model_prefers_the_most_accurate_known_one() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ModelStore::new(tmp.path());
        assert_eq!(store.default_model(), None);
        for f in [
            "ggml-tiny.en.bin",
            "ggml-base.en.bin",
            "aaa.bin",
            "notes.txt",
        ] {
            fs::write(tmp.path().join(f), b"x").unwrap();
        }
        assert_eq!(store.default_model().unwrap().name, "base.en");
        assert_eq!(store.installed().len(), 3);
    }
}
