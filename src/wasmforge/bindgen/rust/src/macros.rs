//! The block forms of the macros, kept as aliases of the attribute macros
//! (`#[wasmforge::export]`, `#[wasmforge::import]`, which live in `wasmforge-macros`).
//! All are `macro_rules!`; `__wf_item!` does the shared work (collecting doc comments,
//! emitting shims and descriptor records).

/// Export `pub fn` items to Python (the block form of `#[wasmforge::export]`).
///
/// ```ignore
/// wasmforge::exports! {
///     /// Greets someone.
///     pub fn greet(name: &str) -> String { format!("Hello, {}!", name) }
/// }
/// ```
///
/// Parameters and results may be integers, `f32`/`f64`, `bool`, `char`, `()`, `&str`,
/// `String`, `&[T]`, `&mut [T]` and `Vec<T>` of numbers, `Option<T>`,
/// `Result<T, E: Display>` (results only) and classes made with [`class!`].
#[macro_export]
macro_rules! exports {
    () => {};
    (
        $(#[$($attr:tt)*])*
        pub fn $name:ident ( $($p:ident : $t:ty),* $(,)? ) $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        $(#[$($attr)*])*
        pub fn $name($($p: $t),*) $(-> $ret)? $body
        $crate::__wf_item! { @docs [] [$(#[$($attr)*])*] @function $name ($($p : $t),*) ($($ret)?) }
        $crate::exports! { $($rest)* }
    };
}

/// Export a struct and its `impl` block as a Python class.
///
/// ```ignore
/// wasmforge::class! {
///     /// Counts things.
///     pub struct Counter { count: u64 }
///     impl Counter {
///         pub fn new(start: u64) -> Self { Counter { count: start } }
///         pub fn incr(&mut self, by: u64) -> u64 { self.count += by; self.count }
///         pub fn get(&self) -> u64 { self.count }
///     }
/// }
/// ```
///
/// `pub fn`s taking `&self`, `&mut self` or `self` become methods (one taking `self`
/// consumes the object: Python sees it closed afterwards), the others static functions
/// (a static `new` becomes the Python constructor). Private fns stay
/// Rust-only. Write the struct's name rather than `Self` inside types such as
/// `Option<Counter>`; a bare `-> Self` is understood.
#[macro_export]
macro_rules! class {
    (
        $(#[$($sattr:tt)*])*
        pub struct $cls:ident { $($fields:tt)* }
        impl $cls2:ident { $($items:tt)* }
    ) => {
        $(#[$($sattr)*])*
        pub struct $cls { $($fields)* }
        impl $cls2 { $($items)* }

        $crate::__class_impls!($cls);
        $crate::__wf_item! { @docs [] [$(#[$($sattr)*])*] @class $cls }
        $crate::__wf_methods! { $cls $($items)* }
    };
}

/// Declare Python functions that Rust may call; the generated Python package
/// takes them as keyword arguments of `load()` (the block form of `#[wasmforge::import]`).
///
/// ```ignore
/// wasmforge::imports! {
///     /// Logs a line on the Python side.
///     pub fn log(line: &str);
///     pub fn twice(x: i32) -> i32;
/// }
/// ```
///
/// Parameters may be anything an export returns (owned buffers are freed by the
/// host); results anything an export takes, except borrowed slices.
#[macro_export]
macro_rules! imports {
    () => {};
    (
        $(#[$($attr:tt)*])*
        $vis:vis fn $name:ident ( $($p:ident : $t:ty),* $(,)? ) $(-> $ret:ty)? ;
        $($rest:tt)*
    ) => {
        $crate::__wf_item! { @docs [] [$(#[$($attr)*])*] @import [$vis] $name ($($p : $t),*) ($($ret)?) }
        $crate::imports! { $($rest)* }
    };
}

/// Define the `#[panic_handler]` of a `#![no_std]` crate: the panic message and
/// location reach the host (formatted into a fixed stack buffer), then the module traps.
#[macro_export]
macro_rules! panic_handler {
    () => {
        #[panic_handler]
        fn __wasmforge_panic(info: &$crate::__private::core::panic::PanicInfo<'_>) -> ! {
            $crate::rt::panic_and_trap(info)
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wf_methods {
    ($cls:ident) => {};
    (
        $cls:ident
        $(#[$($a:tt)*])* pub fn $m:ident ( $($args:tt)* ) -> Self $body:block
        $($rest:tt)*
    ) => {
        $crate::__wf_item! { @docs [] [$(#[$($a)*])*] @method $cls $m ($($args)*) ($cls) }
        $crate::__wf_methods! { $cls $($rest)* }
    };
    (
        $cls:ident
        $(#[$($a:tt)*])* pub fn $m:ident ( $($args:tt)* ) $(-> $r:ty)? $body:block
        $($rest:tt)*
    ) => {
        $crate::__wf_item! { @docs [] [$(#[$($a)*])*] @method $cls $m ($($args)*) ($($r)?) }
        $crate::__wf_methods! { $cls $($rest)* }
    };
    (
        $cls:ident
        $(#[$($a:tt)*])* fn $m:ident ( $($args:tt)* ) $(-> $r:ty)? $body:block
        $($rest:tt)*
    ) => {
        $crate::__wf_methods! { $cls $($rest)* }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wf_item {
    // ---- collect `#[doc = "..."]` lines, drop other attributes -------------------
    (@docs [$($d:literal)*] [#[doc = $line:literal] $($more:tt)*] $($next:tt)*) => {
        $crate::__wf_item! { @docs [$($d)* $line] [$($more)*] $($next)* }
    };
    (@docs [$($d:literal)*] [#[$($other:tt)*] $($more:tt)*] $($next:tt)*) => {
        $crate::__wf_item! { @docs [$($d)*] [$($more)*] $($next)* }
    };
    (@docs [$($d:literal)*] [] @$kind:ident $($next:tt)*) => {
        $crate::__wf_item! { @$kind [$($d),*] $($next)* }
    };

    // ---- free functions -----------------------------------------------------------
    (@function [$($d:literal),*] $name:ident ($($p:ident : $t:ty),*) ()) => {
        $crate::__wf_item! { @function [$($d),*] $name ($($p : $t),*) (()) }
    };
    (@function [$($d:literal),*] $name:ident ($($p:ident : $t:ty),*) ($ret:ty)) => {
        const _: () = {
            #[export_name = concat!("__wf_fn_", stringify!($name))]
            pub unsafe extern "C" fn __wf_shim(
                $($p: <$t as $crate::WasmType>::Abi),*
            ) -> <$ret as $crate::WasmType>::Abi {
                let __wf_anchor = $crate::Anchor::new();
                $( let $p = <$t as $crate::FromHost<'_>>::from_abi($p, &__wf_anchor); )*
                <$ret as $crate::ToHost>::into_abi_ret($name($($p),*))
            }
            const __WF_PARTS: &[$crate::desc::Part] = &[
                $crate::desc::Part::Header($crate::desc::KIND_FUNCTION),
                $crate::desc::Part::Str(concat!("__wf_fn_", stringify!($name))),
                $crate::desc::Part::Str(stringify!($name)),
                $crate::desc::Part::Doc(&[$($d),*]),
                $crate::desc::Part::U8(<[&str]>::len(&[$(stringify!($p)),*]) as u8),
                $( $crate::desc::Part::Str(stringify!($p)),
                   $crate::desc::Part::Ty(<$t as $crate::Describe>::TYPE),
                   $crate::desc::Part::U8(0), )*
                $crate::desc::Part::Ty(<$ret as $crate::Describe>::TYPE),
            ];
            #[link_section = "wasmforge.descriptors"]
            #[used]
            static __WF_RECORD: [u8; $crate::desc::measure(__WF_PARTS)] =
                $crate::desc::assemble(__WF_PARTS);
        };
    };

    // ---- classes ------------------------------------------------------------------
    (@class [$($d:literal),*] $cls:ident) => {
        const _: () = {
            #[export_name = concat!("__wf_drop_", stringify!($cls))]
            pub unsafe extern "C" fn __wf_drop(handle: i32) {
                drop($crate::__private::Box::from_raw(handle as usize as *mut $cls));
            }
            const __WF_PARTS: &[$crate::desc::Part] = &[
                $crate::desc::Part::Header($crate::desc::KIND_CLASS),
                $crate::desc::Part::Str(stringify!($cls)),
                $crate::desc::Part::Doc(&[$($d),*]),
                $crate::desc::Part::Str(concat!("__wf_drop_", stringify!($cls))),
                $crate::desc::Part::Str(""),
                $crate::desc::Part::Str(""),
                $crate::desc::Part::Str(""),
                $crate::desc::Part::Str(""),
            ];
            #[link_section = "wasmforge.descriptors"]
            #[used]
            static __WF_RECORD: [u8; $crate::desc::measure(__WF_PARTS)] =
                $crate::desc::assemble(__WF_PARTS);
        };
    };

    // ---- methods: sort out the receiver, then emit ---------------------------------
    (@method [$($d:literal),*] $cls:ident $m:ident (&mut self $(, $p:ident : $t:ty)* $(,)?) $ret:tt) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m RECV_MUT [__wf_this: &mut $cls] ($($p : $t),*) $ret }
    };
    (@method [$($d:literal),*] $cls:ident $m:ident (self $(, $p:ident : $t:ty)* $(,)?) $ret:tt) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m RECV_OWNED [__wf_this: $crate::Owned<$cls>] ($($p : $t),*) $ret }
    };
    (@method [$($d:literal),*] $cls:ident $m:ident (mut self $(, $p:ident : $t:ty)* $(,)?) $ret:tt) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m RECV_OWNED [__wf_this: $crate::Owned<$cls>] ($($p : $t),*) $ret }
    };
    (@method [$($d:literal),*] $cls:ident $m:ident (&self $(, $p:ident : $t:ty)* $(,)?) $ret:tt) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m RECV_REF [__wf_this: &$cls] ($($p : $t),*) $ret }
    };
    (@method [$($d:literal),*] $cls:ident $m:ident ($($p:ident : $t:ty),* $(,)?) $ret:tt) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m RECV_STATIC [] ($($p : $t),*) $ret }
    };
    (@method_emit [$($d:literal),*] $cls:ident $m:ident $recv:ident [$($this:ident : $tt:ty)?] ($($p:ident : $t:ty),*) ()) => {
        $crate::__wf_item! { @method_emit [$($d),*] $cls $m $recv [$($this : $tt)?] ($($p : $t),*) (()) }
    };
    (@method_emit [$($d:literal),*] $cls:ident $m:ident $recv:ident [$($this:ident : $tt:ty)?] ($($p:ident : $t:ty),*) ($ret:ty)) => {
        const _: () = {
            #[export_name = concat!("__wf_m_", stringify!($cls), "_", stringify!($m))]
            pub unsafe extern "C" fn __wf_shim(
                $($this: i32,)?
                $($p: <$t as $crate::WasmType>::Abi),*
            ) -> <$ret as $crate::WasmType>::Abi {
                let __wf_anchor = $crate::Anchor::new();
                $( let $this = <$tt as $crate::FromHost<'_>>::from_abi($this, &__wf_anchor); )?
                $( let $p = <$t as $crate::FromHost<'_>>::from_abi($p, &__wf_anchor); )*
                <$ret as $crate::ToHost>::into_abi_ret($cls::$m($($crate::Receiver::take($this),)? $($p),*))
            }
            const __WF_PARTS: &[$crate::desc::Part] = &[
                $crate::desc::Part::Header($crate::desc::KIND_METHOD),
                $crate::desc::Part::Str(stringify!($cls)),
                $crate::desc::Part::Str(concat!("__wf_m_", stringify!($cls), "_", stringify!($m))),
                $crate::desc::Part::Str(stringify!($m)),
                $crate::desc::Part::Doc(&[$($d),*]),
                $crate::desc::Part::U8($crate::desc::$recv),
                $crate::desc::Part::U8(0),
                $crate::desc::Part::U8(<[&str]>::len(&[$(stringify!($p)),*]) as u8),
                $( $crate::desc::Part::Str(stringify!($p)),
                   $crate::desc::Part::Ty(<$t as $crate::Describe>::TYPE),
                   $crate::desc::Part::U8(0), )*
                $crate::desc::Part::Ty(<$ret as $crate::Describe>::TYPE),
            ];
            #[link_section = "wasmforge.descriptors"]
            #[used]
            static __WF_RECORD: [u8; $crate::desc::measure(__WF_PARTS)] =
                $crate::desc::assemble(__WF_PARTS);
        };
    };

    // ---- imports ------------------------------------------------------------------
    (@import [$($d:literal),*] [$vis:vis] $name:ident ($($p:ident : $t:ty),*) ()) => {
        $crate::__wf_item! { @import [$($d),*] [$vis] $name ($($p : $t),*) (()) }
    };
    (@import [$($d:literal),*] [$vis:vis] $name:ident ($($p:ident : $t:ty),*) ($ret:ty)) => {
        $(#[doc = $d])*
        $vis fn $name($($p: $t),*) -> $ret {
            #[link(wasm_import_module = "python")]
            extern "C" {
                fn $name($($p: <$t as $crate::WasmType>::Abi),*) -> <$ret as $crate::WasmType>::Abi;
            }
            let __wf_anchor = $crate::Anchor::new();
            unsafe {
                <$ret as $crate::FromHost<'_>>::from_abi(
                    $name($(<$t as $crate::ToHost>::into_abi($p)),*),
                    &__wf_anchor,
                )
            }
        }
        const _: () = {
            const __WF_PARTS: &[$crate::desc::Part] = &[
                $crate::desc::Part::Header($crate::desc::KIND_IMPORT),
                $crate::desc::Part::Str("python"),
                $crate::desc::Part::Str(stringify!($name)),
                $crate::desc::Part::Doc(&[$($d),*]),
                $crate::desc::Part::U8(<[&str]>::len(&[$(stringify!($p)),*]) as u8),
                $( $crate::desc::Part::Str(stringify!($p)),
                   $crate::desc::Part::Ty(<$t as $crate::Describe>::TYPE),
                   $crate::desc::Part::U8(0), )*
                $crate::desc::Part::Ty(<$ret as $crate::Describe>::TYPE),
            ];
            #[link_section = "wasmforge.descriptors"]
            #[used]
            static __WF_RECORD: [u8; $crate::desc::measure(__WF_PARTS)] =
                $crate::desc::assemble(__WF_PARTS);
        };
    };
}
