//! The embedder against its reference (scripts/semantic-reference.py:
//! Hugging Face `tokenizers` and a numpy forward pass), on the model of
//! scripts/test-embedder.sh (`MOCKVIEW_TEST_EMBEDDER`).

use super::*;

/// What scripts/semantic-reference.py wrote.
#[derive(serde::Deserialize)]
struct Reference {
    tokens: Vec<(String, Vec<u32>)>,
    vectors: Vec<(String, Vec<f32>)>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("reference.json")).unwrap()
}

/// The reference covers the corpus as it is now: a sentence added to
/// eval/ without running the script again would go unchecked.
#[test]
fn the_reference_covers_the_whole_corpus() {
    use crate::content::eval;
    let mut texts: Vec<String> = Vec::new();
    for file in [eval::NEGATIVE, eval::REVIEW_NEGATIVE] {
        texts.extend(
            eval::parse_negative(file)
                .unwrap()
                .into_iter()
                .map(|s| s.text),
        );
    }
    for file in [eval::STORIES, eval::REVIEW_STORIES] {
        for a in eval::parse_stories(file).unwrap() {
            texts.extend(a.sentences.into_iter().map(|(_, s)| s));
        }
    }
    let mut seen = std::collections::HashSet::new();
    texts.retain(|t| seen.insert(t.clone()));
    let r = reference();
    let referenced: Vec<&String> = r.tokens.iter().map(|(t, _)| t).collect();
    assert!(
        referenced == texts.iter().collect::<Vec<_>>(),
        "eval/ changed since src/semantic/reference.json was written: run \
         scripts/semantic-reference.py (its header says how)"
    );
}

#[test]
fn the_corpus_tokenises_as_hugging_face_does() {
    let Some(dir) = test_embedder_dir() else {
        return;
    };
    let vocab = std::fs::read_to_string(dir.join(VOCAB_FILE)).unwrap();
    let wordpiece = WordPiece::new(&vocab).unwrap();
    let r = reference();
    let wrong: Vec<&(String, Vec<u32>)> = r
        .tokens
        .iter()
        .filter(|(text, ids)| wordpiece.encode(text) != *ids)
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {}: {wrong:?}",
        wrong.len(),
        r.tokens.len()
    );
}

#[test]
fn vectors_equal_the_reference_forward_pass() {
    let Some(e) = test_embedder() else {
        return;
    };
    for (text, expected) in reference().vectors {
        let got = e.embed(&text);
        assert_eq!(got.len(), DIMENSIONS);
        let norm = cosine(&got, &got).sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text}: length {norm}");
        let c = cosine(&got, &expected);
        assert!(c >= 0.9999, "{text}: cosine {c}");
    }
    // Meaning, not spelling: a paraphrase is nearer than a sentence about
    // something else.
    let a = e.embed("My manager never listened to anyone.");
    let b = e.embed("The boss ignored what the team told him.");
    let c = e.embed("We shipped the release two weeks early.");
    assert!(cosine(&a, &b) > cosine(&a, &c) + 0.1);
}

#[test]
fn a_folder_without_the_model_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Embedder::load(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("vocab.txt"), "{err}");
    std::fs::write(tmp.path().join(VOCAB_FILE), "[UNK]\n[CLS]\n[SEP]\n").unwrap();
    std::fs::write(tmp.path().join(WEIGHTS_FILE), b"not safetensors").unwrap();
    let err = Embedder::load(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("model.safetensors") && err.contains("not all-MiniLM-L6-v2"),
        "{err}"
    );
    std::fs::write(tmp.path().join(VOCAB_FILE), "[UNK]\n[SEP]\n").unwrap();
    let err = Embedder::load(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("no [CLS] token"), "{err}");
}
