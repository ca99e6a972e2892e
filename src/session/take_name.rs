//! The one scheme for take file names in a session folder: `NN-slug.wav`
//! (the final take of answer NN) and `NN-slug.takeK.wav` (its K-th earlier
//! take). Practice formats names with it, repair and the folder listing
//! parse them with it, so what is written is always what is recognised.
//!
//! A name is `NN-slug` plus an optional [`Part`] suffix before `.wav`; a new
//! kind of file of the same answer (a follow-up answer, `NN-slug.follow1.wav`)
//! is a new `Part` variant, with its keyword in `Part::from_suffix`.

use std::fmt;

/// Which file of an answer a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The final take: `NN-slug.wav`.
    Final,
    /// The K-th earlier take (K from 1): `NN-slug.takeK.wav`.
    Take(u32),
    /// The reply to the answer's K-th follow-up question (K from 1):
    /// `NN-slug.followK.wav`.
    FollowUp(u32),
}

impl Part {
    /// The part a suffix keyword and its number (K >= 1) stand for.
    fn from_suffix(word: &str, k: u32) -> Option<Part> {
        match word {
            "take" => Some(Part::Take(k)),
            "follow" => Some(Part::FollowUp(k)),
            _ => None,
        }
    }
}

/// The parts of a take file's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeName {
    pub number: u32,
    pub slug: String,
    /// `None` for the final take, `Some(k)` for the K-th earlier take.
    pub take: Option<u32>,
    /// `Some(k)` for the reply to the K-th follow-up question (then `take`
    /// is `None`).
    pub follow_up: Option<u32>,
}

impl TakeName {
    /// The final take of answer `number`, whose question's slug is `slug`.
    pub fn final_take(number: u32, slug: impl Into<String>) -> TakeName {
        TakeName {
            number,
            slug: slug.into(),
            take: None,
            follow_up: None,
        }
    }

    /// The same answer's reply to its K-th follow-up question.
    pub fn follow_up(&self, k: u32) -> TakeName {
        TakeName {
            take: None,
            follow_up: Some(k),
            ..self.clone()
        }
    }

    /// The same answer's K-th earlier take.
    pub fn earlier(&self, k: u32) -> TakeName {
        TakeName {
            take: Some(k),
            ..self.clone()
        }
    }

    pub fn part(&self) -> Part {
        match (self.take, self.follow_up) {
            (_, Some(k)) => Part::FollowUp(k),
            (Some(k), None) => Part::Take(k),
            (None, None) => Part::Final,
        }
    }

    pub fn parse(name: &str) -> Option<TakeName> {
        let stem = name.strip_suffix(".wav")?;
        let (stem, part) = match stem.rsplit_once('.') {
            Some((base, suffix)) => {
                let (word, k) = suffix.split_at(suffix.find(|c: char| c.is_ascii_digit())?);
                if k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let k: u32 = k.parse().ok()?;
                if k == 0 {
                    return None;
                }
                (base, Part::from_suffix(word, k)?)
            }
            None => (stem, Part::Final),
        };
        let (num, slug) = stem.split_once('-')?;
        if num.len() < 2 || !num.bytes().all(|b| b.is_ascii_digit()) || slug.is_empty() {
            return None;
        }
        if !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return None;
        }
        Some(TakeName {
            number: num.parse().ok()?,
            slug: slug.to_string(),
            take: match part {
                Part::Take(k) => Some(k),
                Part::Final | Part::FollowUp(_) => None,
            },
            follow_up: match part {
                Part::FollowUp(k) => Some(k),
                Part::Final | Part::Take(_) => None,
            },
        })
    }
}

impl fmt::Display for TakeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{}", self.number, self.slug)?;
        match self.part() {
            Part::Final => {}
            Part::Take(k) => write!(f, ".take{k}")?,
            Part::FollowUp(k) => write!(f, ".follow{k}")?,
        }
        f.write_str(".wav")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let last = TakeName::final_take(3, "tell-me");
        assert_eq!(last.to_string(), "03-tell-me.wav");
        assert_eq!(last.earlier(2).to_string(), "03-tell-me.take2.wav");
        assert_eq!(last.follow_up(1).to_string(), "03-tell-me.follow1.wav");
        assert_eq!(
            TakeName::parse("03-tell-me.follow2.wav").unwrap().part(),
            Part::FollowUp(2)
        );
        for name in [
            "03-tell-me.wav",
            "03-tell-me.take2.wav",
            "120-x.take11.wav",
            "03-tell-me.follow1.wav",
        ] {
            assert_eq!(TakeName::parse(name).unwrap().to_string(), name);
        }
    }

    #[test]
    fn other_names_are_not_takes() {
        for bad in [
            "03-tell-me.follow0.wav",
            "03-tell-me.take0.wav",
            "03-tell-me.take.wav",
            "3-x.wav",
            "03-X.wav",
            "03-x.mp3",
        ] {
            assert_eq!(TakeName::parse(bad), None, "{bad}");
        }
    }
}
