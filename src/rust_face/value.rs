//! Typed data as the engine keeps it: an `Rc<T>` behind `dyn Any`, with the function
//! that writes that `T` as JSON for L2. Data stays typed in L1; it is serialized once
//! per L2 write and parsed once per L2 read.

use std::any::Any;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::engine::{DataHandle, Decoder};

/// One query's data.
#[derive(Clone)]
pub(crate) struct Value {
    any: Rc<dyn Any>,
    json: fn(&dyn Any) -> Option<String>,
}

fn json_of<T: Serialize + 'static>(any: &dyn Any) -> Option<String> {
    serde_json::to_string(any.downcast_ref::<T>()?).ok()
}

impl Value {
    pub fn new<T: Serialize + 'static>(data: T) -> Value {
        Value::shared(Rc::new(data))
    }

    pub fn shared<T: Serialize + 'static>(data: Rc<T>) -> Value {
        Value {
            any: data,
            json: json_of::<T>,
        }
    }

    /// The data as a `T`: the very `Rc` when it was stored as one, otherwise read
    /// through its JSON (a query set as one type and read as another compatible one);
    /// `None` when it does not fit.
    pub fn get<T: DeserializeOwned + 'static>(&self) -> Option<Rc<T>> {
        match self.any.clone().downcast::<T>() {
            Ok(data) => Some(data),
            Err(_) => {
                let json = self.to_json()?;
                serde_json::from_str::<T>(&json).ok().map(Rc::new)
            }
        }
    }

    /// The decoder of `T`'s JSON for L2 reads.
    pub fn decoder<T: Serialize + DeserializeOwned + 'static>() -> Decoder<Value> {
        Rc::new(|json: &str| serde_json::from_str::<T>(json).ok().map(Value::new))
    }
}

impl DataHandle for Value {
    fn to_json(&self) -> Option<String> {
        (self.json)(&*self.any)
    }
}
