//! Where a node's index lives on disk, and how a rebuilt index replaces the one being
//! served.
//!
//! ```text
//! <data_dir>/search/
//!   CURRENT          the name of the generation being served ("g1763776800123")
//!   g1763776800123/  a tantivy index (one generation)
//!   g1763780400456/  a newer generation `seba reindex` is building (or just published)
//!   reindex.lock     held while a rebuild runs, so two rebuilds never race
//! ```
//!
//! `seba reindex` builds a new generation from the store while the server goes on serving
//! (and feeding) the current one, then publishes it by replacing `CURRENT` atomically (write
//! a temporary file, fsync, rename, fsync the directory). The server's feeder notices the
//! new name, opens that generation, replays the outbox from the position the rebuild
//! committed, and only then swaps it in ([`LiveIndex`]); searches in flight finish on the
//! old one. The old generation is deleted once it is no longer served. A rebuild that dies
//! half-way leaves a generation newer than `CURRENT` that no one serves; the next rebuild
//! deletes it. Generation names are `g` + milliseconds since the epoch, so they sort by age.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::index::{IndexError, SearchIndex, WriterOptions};

const CURRENT: &str = "CURRENT";
const REINDEX_LOCK: &str = "reindex.lock";

/// The directory that holds a node's index generations.
#[derive(Debug, Clone)]
pub struct IndexHome {
    root: PathBuf,
}

fn dir_err(path: &Path, e: std::io::Error) -> IndexError {
    IndexError::Dir(format!("{}: {e}", path.display()))
}

fn is_generation(name: &str) -> bool {
    name.len() > 1 && name.starts_with('g') && name[1..].bytes().all(|b| b.is_ascii_digit())
}

fn generation_number(name: &str) -> u128 {
    name.get(1..).and_then(|n| n.parse().ok()).unwrap_or(0)
}

impl IndexHome {
    pub fn new(root: impl Into<PathBuf>) -> IndexHome {
        IndexHome { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of one generation.
    pub fn path(&self, generation: &str) -> PathBuf {
        self.root.join(generation)
    }

    /// The generation being served, if one was ever published.
    pub fn current(&self) -> Result<Option<String>, IndexError> {
        let path = self.root.join(CURRENT);
        match fs::read_to_string(&path) {
            Ok(s) => {
                let name = s.trim();
                if is_generation(name) {
                    Ok(Some(name.to_string()))
                } else {
                    Err(IndexError::Dir(format!(
                        "{} names `{name}`, which is not an index generation",
                        path.display()
                    )))
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(dir_err(&path, e)),
        }
    }

    /// A new, empty generation directory, named after every existing one.
    pub fn create_generation(&self) -> Result<String, IndexError> {
        fs::create_dir_all(&self.root).map_err(|e| dir_err(&self.root, e))?;
        let newest = self
            .generations()?
            .into_iter()
            .map(|g| generation_number(&g))
            .max();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let n = newest.map_or(now, |m| now.max(m + 1));
        let name = format!("g{n}");
        let path = self.path(&name);
        fs::create_dir(&path).map_err(|e| dir_err(&path, e))?;
        Ok(name)
    }

    /// Make `generation` the one served, atomically: a reader of `CURRENT` sees the old
    /// name or the new one, never a mix, even across a crash.
    pub fn publish(&self, generation: &str) -> Result<(), IndexError> {
        let tmp = self.root.join("CURRENT.tmp");
        let mut f = File::create(&tmp).map_err(|e| dir_err(&tmp, e))?;
        f.write_all(format!("{generation}\n").as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| dir_err(&tmp, e))?;
        let current = self.root.join(CURRENT);
        fs::rename(&tmp, &current).map_err(|e| dir_err(&current, e))?;
        File::open(&self.root)
            .and_then(|d| d.sync_all())
            .map_err(|e| dir_err(&self.root, e))?;
        Ok(())
    }

    /// Every generation directory's name, oldest first.
    pub fn generations(&self) -> Result<Vec<String>, IndexError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(dir_err(&self.root, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| is_generation(n))
            .collect();
        names.sort_by_key(|n| generation_number(n));
        Ok(names)
    }

    /// Delete the generations older than `keep` (best effort: a failure is logged).
    pub fn remove_older_than(&self, keep: &str) {
        self.remove_where(|n| generation_number(n) < generation_number(keep));
    }

    /// Delete generations newer than the current one: what a rebuild that did not finish
    /// left behind. Only call this while holding [`IndexHome::lock_reindex`].
    pub fn remove_unpublished(&self) -> Result<(), IndexError> {
        let current = self.current()?.map_or(0, |c| generation_number(&c));
        self.remove_where(|n| generation_number(n) > current);
        Ok(())
    }

    fn remove_where(&self, doomed: impl Fn(&str) -> bool) {
        for name in self.generations().unwrap_or_default() {
            if doomed(&name) {
                let path = self.path(&name);
                match fs::remove_dir_all(&path) {
                    Ok(()) => tracing::info!(generation = %name, "old search index removed"),
                    Err(e) => {
                        tracing::warn!(generation = %name, error = %e, "could not remove an old search index")
                    }
                }
            }
        }
    }

    /// Take the rebuild lock, or fail at once if another rebuild holds it. The lock is
    /// released when the returned file is dropped (or the process dies).
    pub fn lock_reindex(&self) -> Result<File, IndexError> {
        fs::create_dir_all(&self.root).map_err(|e| dir_err(&self.root, e))?;
        let path = self.root.join(REINDEX_LOCK);
        let f = File::create(&path).map_err(|e| dir_err(&path, e))?;
        match f.try_lock() {
            Ok(()) => Ok(f),
            Err(fs::TryLockError::WouldBlock) => Err(IndexError::Dir(format!(
                "another reindex is running ({} is locked)",
                path.display()
            ))),
            Err(fs::TryLockError::Error(e)) => Err(dir_err(&path, e)),
        }
    }

    /// Open the current generation for serving, creating and publishing an empty first
    /// one if there is none; generations older than it are deleted.
    pub fn open_current(&self) -> Result<(String, SearchIndex), IndexError> {
        let generation = match self.current()? {
            Some(g) => g,
            None => {
                let g = self.create_generation()?;
                self.publish(&g)?;
                g
            }
        };
        let index = match SearchIndex::open_with(&self.path(&generation), WriterOptions::SERVING) {
            Ok(index) => index,
            // Written by a seba with another schema: start afresh (the feeder rebuilds it).
            Err(IndexError::Tantivy(tantivy::TantivyError::SchemaError(e))) => {
                tracing::warn!(generation = %generation, error = %e, "search index from another version; rebuilding");
                let fresh = self.create_generation()?;
                self.publish(&fresh)?;
                let index = SearchIndex::open_with(&self.path(&fresh), WriterOptions::SERVING)?;
                self.remove_older_than(&fresh);
                return Ok((fresh, index));
            }
            Err(e) => return Err(e),
        };
        self.remove_older_than(&generation);
        Ok((generation, index))
    }
}

/// The index a node serves, which a published rebuild can replace while searches run.
#[derive(Debug)]
pub struct LiveIndex {
    home: Option<IndexHome>,
    slot: RwLock<(Option<String>, Arc<SearchIndex>)>,
}

impl LiveIndex {
    /// Serve the current generation of `home`.
    pub fn open(home: IndexHome) -> Result<LiveIndex, IndexError> {
        let (generation, index) = home.open_current()?;
        Ok(LiveIndex {
            home: Some(home),
            slot: RwLock::new((Some(generation), Arc::new(index))),
        })
    }

    /// Serve one index that is never replaced (tests, in-memory indexes).
    pub fn fixed(index: Arc<SearchIndex>) -> LiveIndex {
        LiveIndex {
            home: None,
            slot: RwLock::new((None, index)),
        }
    }

    /// The index to search or feed now.
    pub fn get(&self) -> Arc<SearchIndex> {
        self.slot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    }

    /// The generation served now (`None` for a fixed index).
    pub fn generation(&self) -> Option<String> {
        self.slot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    /// A generation that has been published but is not served yet.
    pub fn pending(&self) -> Result<Option<String>, IndexError> {
        let Some(home) = &self.home else {
            return Ok(None);
        };
        let published = home.current()?;
        Ok(published.filter(|p| Some(p) != self.generation().as_ref()))
    }

    /// Open a published generation for serving (it is not served until [`LiveIndex::swap`]).
    pub fn open_generation(&self, generation: &str) -> Result<SearchIndex, IndexError> {
        let home = self
            .home
            .as_ref()
            .ok_or_else(|| IndexError::Dir("this index has no generations".into()))?;
        SearchIndex::open_with(&home.path(generation), WriterOptions::SERVING)
    }

    /// Serve `index` as `generation` from now on and delete the older generations.
    pub fn swap(&self, generation: String, index: Arc<SearchIndex>) {
        let old = {
            let mut slot = self.slot.write().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *slot, (Some(generation.clone()), index))
        };
        // Release the old writer (and its lock) before its files go.
        drop(old);
        if let Some(home) = &self.home {
            home.remove_older_than(&generation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("seba-home-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn generations_publish_and_sort() {
        let dir = tempdir("publish");
        let home = IndexHome::new(dir.join("search"));
        assert_eq!(home.current().unwrap(), None);
        let a = home.create_generation().unwrap();
        let b = home.create_generation().unwrap();
        assert!(generation_number(&b) > generation_number(&a));
        home.publish(&a).unwrap();
        assert_eq!(home.current().unwrap().as_deref(), Some(a.as_str()));
        assert_eq!(home.generations().unwrap(), [a.clone(), b.clone()]);
        home.remove_unpublished().unwrap();
        assert_eq!(home.generations().unwrap(), [a]);
        let c = home.create_generation().unwrap();
        home.publish(&c).unwrap();
        home.remove_older_than(&c);
        assert_eq!(home.generations().unwrap(), [c]);
    }

    #[test]
    fn an_index_of_another_schema_is_replaced() {
        let dir = tempdir("schema");
        let home = IndexHome::new(&dir);
        let old = home.create_generation().unwrap();
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("something_else", tantivy::schema::TEXT);
        tantivy::Index::create_in_dir(home.path(&old), b.build()).unwrap();
        home.publish(&old).unwrap();
        let (generation, index) = home.open_current().unwrap();
        assert_ne!(generation, old);
        assert_eq!(
            home.current().unwrap().as_deref(),
            Some(generation.as_str())
        );
        assert_eq!(
            index.position().unwrap(),
            None,
            "fresh, so the feeder rebuilds it"
        );
        assert_eq!(home.generations().unwrap(), [generation]);
    }

    #[test]
    fn a_garbled_pointer_is_an_error() {
        let dir = tempdir("garbled");
        let home = IndexHome::new(&dir);
        fs::write(dir.join(CURRENT), "../../etc\n").unwrap();
        assert!(home.current().is_err());
    }

    #[test]
    fn one_rebuild_at_a_time() {
        let dir = tempdir("lock");
        let home = IndexHome::new(&dir);
        let held = home.lock_reindex().unwrap();
        assert!(home.lock_reindex().is_err());
        drop(held);
        assert!(home.lock_reindex().is_ok());
    }
}
