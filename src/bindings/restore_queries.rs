//! `restoreQueries(queryKeys)`: reads keys from L2 into L1 before anything asks for them,
//! without fetching (stackquery/react's `QueryClientProvider restore={…}` renders a page
//! only once the keys it needs are in memory, so a reload shows persisted data in the
//! first render). Every read starts before the first is awaited; a key already read or
//! holding data in L1 is not read; L2 never replaces newer L1 data; a storage failure restores nothing.
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::client::QueryClient;
use super::convert::{describe, set_prop};
use super::errors::type_error;
use super::options::QueryOptions;
use super::persister::Persister;
use super::{promise, reentry};

#[wasm_bindgen]
impl QueryClient {
    /// Reads the cold keys among `queryKeys` from L2 into L1; resolves with how many got
    /// data from L2 (0 at once when the client has no storage). Never fetches.
    #[wasm_bindgen(js_name = restoreQueries)]
    pub fn restore_queries(&self, query_keys: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("restoreQueries")?;
        let inner = self.inner()?;
        let keys: Array = query_keys.dyn_into().map_err(|v| {
            type_error(format!(
                "restoreQueries needs an array of query keys (restoreQueries([['todos'], ['user', 1]])), got {}",
                describe(&v)
            ))
        })?;
        let mut cold: Vec<QueryOptions> = Vec::new();
        for key in keys.iter() {
            let opts = Object::new();
            set_prop(&opts, "queryKey", &key);
            let o = QueryOptions::read(&opts, inner.defaults(), "restoreQueries")?;
            let warm = inner
                .cache_ref()?
                .get(&o.hash)
                .is_some_and(|q| q.meta.hydrated || q.state.data.is_some());
            if !warm && !cold.iter().any(|c| c.hash == o.hash) {
                cold.push(o);
            }
        }
        let Some(persister) = inner.persister().cloned() else {
            return Ok(Promise::resolve(&JsValue::from(0)));
        };
        let reads: Vec<(QueryOptions, Promise)> = cold
            .into_iter()
            .map(|o| {
                let read = persister.start_read(&o.hash);
                (o, read)
            })
            .collect();
        Ok(promise::from_future(async move {
            let mut count = 0u32;
            for (o, read) in reads {
                let restored = Persister::restored(read).await;
                if inner.is_disposed() {
                    break;
                }
                // Made only for data: a miss leaves no empty query behind.
                if restored.is_some() && inner.cache_ref()?.get(&o.hash).is_none() {
                    inner.build(&o)?;
                }
                if inner.take_restored(&o.hash, restored)? {
                    count += 1;
                }
            }
            if count > 0 {
                inner.notify_changed();
                inner.arm_gc();
            }
            Ok(JsValue::from(count))
        }))
    }
}
