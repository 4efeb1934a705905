//! Typed stored state (Python's `StoredState`).
//!
//! A charm or a component asks the framework for a [`Stored<T>`] under a name; `T` is any
//! serde type with a `Default`. What was stored before is loaded, and fields that were
//! never stored take their defaults (ops' `set_default`). Changes are saved only when the
//! whole dispatch succeeds.
//!
//! ```
//! #[derive(Default, serde::Serialize, serde::Deserialize)]
//! struct Counts {
//!     config_changes: u32,
//!     seen: Vec<String>,
//! }
//! # struct Charm { counts: ops::Stored<Counts> }
//! # impl ops::CharmBase for Charm {
//! #     type Meta = ops::hello::Meta;
//! fn new(framework: &mut ops::Framework<Self>) -> Self {
//!     Charm { counts: framework.stored("counts") }
//! }
//! # }
//! # fn use_it(charm: &Charm) {
//! charm.counts.update(|c| c.config_changes += 1);
//! let n = charm.counts.get().config_changes;
//! # }
//! ```

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A type that can be kept in stored state: serde both ways, with a default.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be kept in stored state",
    label = "not persistable",
    note = "stored state must be `serde::Serialize + serde::de::DeserializeOwned + Default + 'static`; derive `Serialize`, `Deserialize` and `Default`"
)]
pub trait StoredType: Serialize + DeserializeOwned + Default + 'static {}

impl<T: Serialize + DeserializeOwned + Default + 'static> StoredType for T {}

/// Stored state of type `T`, shared by every clone of the handle.
pub struct Stored<T> {
    cell: Rc<RefCell<T>>,
}

impl<T> Clone for Stored<T> {
    fn clone(&self) -> Self {
        Stored { cell: self.cell.clone() }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Stored").field(&*self.cell.borrow()).finish()
    }
}

impl<T: StoredType> Stored<T> {
    pub(crate) fn new(value: T) -> Self {
        Stored { cell: Rc::new(RefCell::new(value)) }
    }

    /// Reads the state.
    pub fn get(&self) -> Ref<'_, T> {
        self.cell.borrow()
    }

    /// Changes the state in place; saved at the end of a successful dispatch.
    pub fn get_mut(&self) -> RefMut<'_, T> {
        self.cell.borrow_mut()
    }

    /// Changes the state with `f`; saved at the end of a successful dispatch.
    ///
    /// ```
    /// #[derive(Default, serde::Serialize, serde::Deserialize)]
    /// struct Counts {
    ///     restarts: u32,
    /// }
    /// # fn f(stored: &ops::Stored<Counts>) {
    /// let restarts = stored.update(|c| {
    ///     c.restarts += 1;
    ///     c.restarts
    /// });
    /// # let _ = restarts; }
    /// ```
    pub fn update<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.cell.borrow_mut())
    }

    /// Replaces the state.
    pub fn set(&self, value: T) {
        *self.cell.borrow_mut() = value;
    }

    pub(crate) fn saver(&self) -> impl Fn() -> Result<Value, serde_json::Error> + 'static {
        let cell = self.cell.clone();
        move || serde_json::to_value(&*cell.borrow())
    }
}

/// Reads stored `T` from what was saved, with defaults for whatever was not
/// (the default's fields fill in only the keys the stored object lacks).
pub(crate) fn load<T: StoredType>(saved: Option<&Value>) -> Result<T, serde_json::Error> {
    let Some(saved) = saved else { return Ok(T::default()) };
    match (serde_json::to_value(T::default())?, saved) {
        // Every field was stored (the usual case): read it where it is, without copying
        // it into the defaults first; the result is the same.
        (Value::Object(defaults), Value::Object(fields)) if defaults.keys().all(|k| fields.contains_key(k)) => {
            T::deserialize(saved)
        }
        (Value::Object(mut defaults), Value::Object(fields)) => {
            defaults.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            serde_json::from_value(Value::Object(defaults))
        }
        (_, saved) => T::deserialize(saved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct V1 {
        count: u32,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct V2 {
        count: u32,
        name: String,
    }

    impl Default for V2 {
        fn default() -> Self {
            V2 { count: 0, name: "fresh".into() }
        }
    }

    #[test]
    fn defaults_fill_only_what_is_not_stored() {
        let saved = serde_json::to_value(V1 { count: 7 }).unwrap();
        let upgraded: V2 = load(Some(&saved)).unwrap();
        assert_eq!(upgraded, V2 { count: 7, name: "fresh".into() });
        assert_eq!(load::<V1>(None).unwrap(), V1::default());
    }

    #[test]
    fn a_stored_value_of_another_shape_is_an_error() {
        let saved = serde_json::json!({"count": "seven"});
        assert!(load::<V1>(Some(&saved)).is_err());
    }
}
