//! `hash(x[, algorithm])`: a hexadecimal digest.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::format_date::constant_text;
use crate::prelude::*;

/// A digest algorithm `hash` computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha1,
    Sha256,
}

/// The algorithm names `hash` accepts.
const ALGORITHMS: &str = "md5, sha1 or sha2_256";

impl Algorithm {
    /// The algorithm called `name`, in any letter case, `-` and `_` alike.
    fn named(name: &str) -> Result<Algorithm, String> {
        let normal = name.to_ascii_lowercase().replace('-', "_");
        match normal.as_str() {
            "md5" => Ok(Algorithm::Md5),
            "sha1" | "sha_1" => Ok(Algorithm::Sha1),
            "sha2_256" | "sha_256" | "sha256" => Ok(Algorithm::Sha256),
            "murmur3_128" => {
                Err("murmur3_128 is not supported here; use md5, sha1 or sha2_256".into())
            }
            _ => Err(format!(
                "unknown hash algorithm \"{name}\"; use {ALGORITHMS}"
            )),
        }
    }

    /// The digest of `bytes` in lower-case hexadecimal.
    fn hex_digest(self, bytes: &[u8]) -> String {
        let digest = match self {
            Algorithm::Md5 => Md5::digest(bytes).to_vec(),
            Algorithm::Sha1 => Sha1::digest(bytes).to_vec(),
            Algorithm::Sha256 => Sha256::digest(bytes).to_vec(),
        };
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// `hash(x[, algorithm])`: the digest of the text form of `x`.
#[derive(Debug)]
pub struct Hash;

impl ScalarFunction for Hash {
    fn name(&self) -> &'static str {
        "hash"
    }

    fn signature(&self) -> Signature {
        Signature::between(1, 2)
    }

    fn doc(&self) -> &'static str {
        "Returns the digest of the UTF-8 bytes of the value's text form in lower-case \
         hexadecimal, with the algorithm the second argument names: md5 (the default, also for \
         a null second argument), sha1, or sha2_256 (also written sha_256, sha256 or sha2-256), \
         in any letter case. A null value gives null, and so does an unknown algorithm at run \
         time; a literal unknown algorithm (murmur3_128 included) is reported before the query \
         runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("hash(\"abc\")", "\"900150983cd24fb0d6963f7d28e17f72\""),
            example!(
                "hash(\"abc\", \"sha1\")",
                "\"a9993e364706816aba3e25717850c26c9cd0d89d\""
            ),
            example!(
                "hash(\"abc\", \"SHA2_256\")",
                "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""
            ),
            example!("hash(null, \"md5\")", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        match constant_text(constants, 1) {
            Some(name) => Algorithm::named(&name)
                .map(|_| ())
                .map_err(|message| (1, message)),
            None => Ok(()),
        }
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let algorithm = match args.get(1).and_then(Value::to_text) {
            Some(name) => Algorithm::named(&name).ok(),
            None => Some(Algorithm::Md5),
        };
        Ok(match (args[0].to_text(), algorithm) {
            (Some(text), Some(algorithm)) => Value::text(algorithm.hex_digest(text.as_bytes())),
            _ => Value::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(args: &[Value]) -> Value {
        Hash.call(args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn digests_of_empty_text() {
        let empty = Value::text("");
        assert_eq!(
            hash(std::slice::from_ref(&empty)),
            Value::text("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(
            hash(&[empty.clone(), Value::text("sha-1")]),
            Value::text("da39a3ee5e6b4b0d3255bfef95601890afd80709")
        );
        assert_eq!(
            hash(&[empty, Value::text("sha256")]),
            Value::text("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn numbers_hash_their_text_and_bad_algorithms_give_null() {
        assert_eq!(hash(&[Value::Int(42)]), hash(&[Value::text("42")]));
        assert_eq!(
            hash(&[Value::text("a"), Value::Null]),
            hash(&[Value::text("a")])
        );
        assert_eq!(hash(&[Value::text("a"), Value::text("crc32")]), Value::Null);
    }

    #[test]
    fn literal_algorithms_are_checked() {
        let check = |name: &str| Hash.check_constants(&[None, Some(Value::text(name))]);
        assert_eq!(check("MD5"), Ok(()));
        assert_eq!(check("sha_256"), Ok(()));
        assert_eq!(
            check("crc32"),
            Err((
                1,
                "unknown hash algorithm \"crc32\"; use md5, sha1 or sha2_256".to_string()
            ))
        );
        assert!(check("murmur3_128").is_err());
    }
}
