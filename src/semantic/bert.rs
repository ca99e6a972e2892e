//! The forward pass of all-MiniLM-L6-v2: a BERT encoder (6 layers, 384
//! wide, 12 heads of 32, GELU with erf, LayerNorm eps 1e-12) over one
//! sentence's tokens, then the mean of its token vectors, made unit length.
//! Weights come from the model's `model.safetensors` (F32). Matrix products
//! go through ndarray (matrixmultiply's SIMD kernels): the crate forbids
//! `unsafe`, which matrixmultiply's own entry points are.

use ndarray::{Array1, Array2, ArrayView1, Axis, Slice};
use safetensors::{Dtype, SafeTensors};

const HIDDEN: usize = 384;
const INTERMEDIATE: usize = 1536;
const HEADS: usize = 12;
const HEAD: usize = HIDDEN / HEADS;
const LAYERS: usize = 6;
const LAYER_NORM_EPS: f32 = 1e-12;
const VOCAB: usize = 30522;
const POSITIONS: usize = 512;

/// A dense layer: `y = x W^T + b`, W as stored (out x in).
#[derive(Debug, Clone)]
struct Linear {
    weight: Array2<f32>,
    bias: Array1<f32>,
}

impl Linear {
    fn apply(&self, x: &Array2<f32>) -> Array2<f32> {
        x.dot(&self.weight.t()) + &self.bias
    }
}

#[derive(Debug, Clone)]
struct Norm {
    gain: Array1<f32>,
    bias: Array1<f32>,
}

impl Norm {
    /// Each row to mean 0 and variance 1, then scaled and shifted.
    fn apply(&self, x: &mut Array2<f32>) {
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let scale = 1.0 / (var + LAYER_NORM_EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gain).zip(&self.bias) {
                *v = (*v - mean) * scale * g + b;
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

/// The encoder's weights.
#[derive(Debug, Clone)]
pub struct Bert {
    words: Array2<f32>,
    positions: Array2<f32>,
    token_type: Array1<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

/// What is wrong with a weights file: the tensor and why.
pub type WeightsError = String;

impl Bert {
    /// The weights in a safetensors file's `bytes` (names with or without
    /// the `bert.` prefix).
    pub fn from_safetensors(bytes: &[u8]) -> Result<Self, WeightsError> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
        let prefix = if st.names().iter().any(|n| n.starts_with("bert.")) {
            "bert."
        } else {
            ""
        };
        let tensor = |name: &str, shape: &[usize]| -> Result<Vec<f32>, WeightsError> {
            let full = format!("{prefix}{name}");
            let t = st.tensor(&full).map_err(|_| format!("no tensor {full}"))?;
            if t.dtype() != Dtype::F32 || t.shape() != shape {
                return Err(format!(
                    "tensor {full} is {:?} {:?}, F32 {shape:?} expected",
                    t.dtype(),
                    t.shape()
                ));
            }
            Ok(t.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let matrix = |name: &str, rows: usize, cols: usize| -> Result<Array2<f32>, WeightsError> {
            Array2::from_shape_vec((rows, cols), tensor(name, &[rows, cols])?)
                .map_err(|e| e.to_string())
        };
        let vector = |name: &str, n: usize| -> Result<Array1<f32>, WeightsError> {
            Ok(Array1::from(tensor(name, &[n])?))
        };
        let linear = |name: &str, out: usize, inp: usize| -> Result<Linear, WeightsError> {
            Ok(Linear {
                weight: matrix(&format!("{name}.weight"), out, inp)?,
                bias: vector(&format!("{name}.bias"), out)?,
            })
        };
        let norm = |name: &str| -> Result<Norm, WeightsError> {
            Ok(Norm {
                gain: vector(&format!("{name}.weight"), HIDDEN)?,
                bias: vector(&format!("{name}.bias"), HIDDEN)?,
            })
        };
        let layers = (0..LAYERS)
            .map(|l| {
                let p = format!("encoder.layer.{l}.");
                Ok(Layer {
                    query: linear(&format!("{p}attention.self.query"), HIDDEN, HIDDEN)?,
                    key: linear(&format!("{p}attention.self.key"), HIDDEN, HIDDEN)?,
                    value: linear(&format!("{p}attention.self.value"), HIDDEN, HIDDEN)?,
                    attention_out: linear(&format!("{p}attention.output.dense"), HIDDEN, HIDDEN)?,
                    attention_norm: norm(&format!("{p}attention.output.LayerNorm"))?,
                    intermediate: linear(&format!("{p}intermediate.dense"), INTERMEDIATE, HIDDEN)?,
                    output: linear(&format!("{p}output.dense"), HIDDEN, INTERMEDIATE)?,
                    output_norm: norm(&format!("{p}output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>, WeightsError>>()?;
        let types = matrix("embeddings.token_type_embeddings.weight", 2, HIDDEN)?;
        Ok(Self {
            words: matrix("embeddings.word_embeddings.weight", VOCAB, HIDDEN)?,
            positions: matrix("embeddings.position_embeddings.weight", POSITIONS, HIDDEN)?,
            token_type: types.row(0).to_owned(),
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    /// How many token ids the model has.
    pub fn vocabulary(&self) -> usize {
        self.words.nrows()
    }

    /// The unit-length mean of the last layer's token vectors for `ids`
    /// (at most 512, each below [`Self::vocabulary`]).
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        let n = ids.len().min(POSITIONS);
        let mut x = Array2::<f32>::zeros((n, HIDDEN));
        for (i, &id) in ids.iter().take(n).enumerate() {
            let mut row = x.row_mut(i);
            row += &self.words.row(id as usize);
            row += &self.positions.row(i);
            row += &self.token_type;
        }
        self.embedding_norm.apply(&mut x);
        for layer in &self.layers {
            x = layer.forward(x);
        }
        let mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(HIDDEN));
        unit(mean.view())
    }
}

impl Layer {
    fn forward(&self, x: Array2<f32>) -> Array2<f32> {
        let n = x.nrows();
        let q = self.query.apply(&x);
        let k = self.key.apply(&x);
        let v = self.value.apply(&x);
        let scale = 1.0 / (HEAD as f32).sqrt();
        let mut context = Array2::<f32>::zeros((n, HIDDEN));
        for h in 0..HEADS {
            // (ndarray's s! macro allows `unsafe`, which this crate forbids.)
            let cols = Slice::from(h * HEAD..(h + 1) * HEAD);
            let head = |m: &Array2<f32>| m.slice_axis(Axis(1), cols).to_owned();
            let mut scores = head(&q).dot(&head(&k).t()) * scale;
            for mut row in scores.rows_mut() {
                let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                row.mapv_inplace(|v| (v - max).exp());
                let sum = row.sum();
                row /= sum;
            }
            context
                .slice_axis_mut(Axis(1), cols)
                .assign(&scores.dot(&head(&v)));
        }
        let mut x = x + self.attention_out.apply(&context);
        self.attention_norm.apply(&mut x);
        let mut hidden = self.intermediate.apply(&x);
        hidden.mapv_inplace(gelu);
        let mut x = x + self.output.apply(&hidden);
        self.output_norm.apply(&mut x);
        x
    }
}

/// GELU with the exact erf, as BERT's "gelu".
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x / std::f32::consts::SQRT_2))
}

fn unit(v: ArrayView1<f32>) -> Vec<f32> {
    let norm = v.dot(&v).sqrt();
    let norm = if norm > 0.0 { norm } else { 1.0 };
    v.iter().map(|x| x / norm).collect()
}
