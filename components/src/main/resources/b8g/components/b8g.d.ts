// b8g.d.ts: what a b8g component's global scope holds, and the capabilities its `env` may hold.
//
// A component is a classic script defining `main(env)`. Its global scope is ECMAScript (compile
// with `"lib": ["es2023"]` and nothing else: no DOM, no Node) plus what is declared here. There is
// no ambient fetch, no file system and no network: everything a component may reach beyond
// computation comes in `env`, by the names its manifest grants (a NET grant's `env.net.fetch`).
// Request, Response and Headers are globals: they carry no authority.
//
// Per component, `b8g types MANIFEST` writes the `env` interfaces (one per component, extending
// `EnvBase` with the exact type of each grant) into a file that references this one.
//
// Where the ECMAScript library says more than a component has: `SharedArrayBuffer` (and shared
// WebAssembly memory) is removed, and `Atomics.wait` cannot block on what is left. A component
// that can be snapshotted has no `WebAssembly` either.

// ================================================================================================
// Capabilities: what `env` holds
// ================================================================================================

/** A right on a region: read its bytes, write its bytes. */
type Right = 'read' | 'write';

/** Bytes a region or a channel accepts: strings go as UTF-8. */
type BytesLike = string | ArrayBuffer | ArrayBufferView;

/**
 * A region granted with read and write rights: fixed-size shared memory, seen as the shared
 * `ArrayBuffer` itself (zero copy; other holders see writes at once).
 */
interface Region {
  readonly kind: 'region';
  /** The size in bytes, fixed. */
  readonly size: number;
  readonly rights: readonly ['read', 'write'];
  /** The shared memory itself. Detached (length 0) once the region is revoked. */
  readonly buffer: ArrayBuffer;
  /** A copy of `length` bytes from `offset` (defaults: the whole region). RangeError outside it. */
  read(offset?: number, length?: number): Uint8Array<ArrayBuffer>;
  /** Writes the bytes (a string as UTF-8) at `offset`. RangeError when they do not fit. */
  write(offset: number, data: BytesLike): void;
  /** A narrower capability on the same region; revoking this one revokes it too. */
  attenuate(rights: 'read' | readonly ['read']): ReadOnlyRegion;
  attenuate(rights: 'write' | readonly ['write']): WriteOnlyRegion;
  attenuate(rights?: readonly ['read', 'write'] | readonly ['write', 'read']): Region;
}

/**
 * A region granted with the read right only. It never holds a view of shared memory: `read`
 * returns copies, and there is no `buffer` and no `write`.
 */
interface ReadOnlyRegion {
  readonly kind: 'region';
  readonly size: number;
  readonly rights: readonly ['read'];
  read(offset?: number, length?: number): Uint8Array<ArrayBuffer>;
  attenuate(rights: 'read' | readonly ['read']): ReadOnlyRegion;
}

/** A region granted with the write right only: no `buffer`, no `read`. */
interface WriteOnlyRegion {
  readonly kind: 'region';
  readonly size: number;
  readonly rights: readonly ['write'];
  write(offset: number, data: BytesLike): void;
  attenuate(rights: 'write' | readonly ['write']): WriteOnlyRegion;
}

/** Any region capability. */
type AnyRegion = Region | ReadOnlyRegion | WriteOnlyRegion;

/** A message as it arrives: text messages as strings, bytes as a `Uint8Array` of their own. */
type Message = string | Uint8Array<ArrayBuffer>;

/**
 * The reader end of a channel. `T` narrows the messages when the writer's protocol is known
 * (`ChannelReader<string>`); the platform does not check it.
 *
 * `for await (const msg of reader)` reads until the writer closes the channel.
 */
interface ChannelReader<T extends Message = Message> extends AsyncIterable<T, undefined> {
  readonly kind: 'channel';
  readonly end: 'read';
  /** A message, `null` when none is there now (await `ready()`), `undefined` at the end. */
  tryRead(): T | null | undefined;
  /** The next message, or `undefined` at the end. Rejects with `channel.broken` when the writer died. */
  read(): Promise<T | undefined>;
  /**
   * Zero copy: calls `fn` with a view over the shared ring, valid only during the call. False
   * when no message is there now (or at the end, see `ended`).
   */
  readInPlace(fn: (view: Uint8Array<ArrayBuffer>, type: 'bytes' | 'text') => void): boolean;
  /** Resolves when a message (or the end) can be read without waiting. */
  ready(): Promise<void>;
  /** True once the end of the stream has been read. */
  readonly ended: boolean;
  [Symbol.asyncIterator](): AsyncIterator<T, undefined>;
  /**
   * This end as a web stream (the same one on every access): one message a chunk, closed by the
   * writer's `close()`, errored with `channel.broken` when the writer died without closing.
   */
  readonly readable: ReadableStream<T>;
}

/**
 * The writer end of a channel. `T` narrows what may be written (`ChannelWriter<string>`).
 * Strings travel as text; typed arrays and `ArrayBuffer`s as bytes.
 */
interface ChannelWriter<T extends BytesLike = BytesLike> {
  readonly kind: 'channel';
  readonly end: 'write';
  /** The largest message in bytes: half the ring's capacity minus 8. */
  readonly maxMessage: number;
  /** Writes now and returns true, or returns false when the ring is full. */
  tryWrite(msg: T): boolean;
  /** Writes now and returns `undefined`, or returns a promise that resolves once written. */
  write(msg: T): Promise<void> | undefined;
  /** Resolves when a message fits; rejects with `channel.broken` once the reader is gone. */
  ready(): Promise<void>;
  /** End of stream: the reader gets every message written before it, then the end. */
  close(): Promise<void> | undefined;
  /**
   * This end as a web stream (the same one on every access): a write waits while the ring is
   * full; `close()` and `abort()` close the channel (a channel has no close with a reason).
   */
  readonly writable: WritableStream<T>;
}

/**
 * The host's standard input (a STDIN grant): an ordinary reader end whose messages are the bytes
 * read from the descriptor, one chunk each (at most 64 KiB); the end of input is the end of the
 * stream. One component at most holds it.
 */
type Stdin = ChannelReader<Uint8Array<ArrayBuffer>>;

/**
 * The host's standard output or error (a STDOUT or STDERR grant): an ordinary writer end. Each
 * message is written whole; when the reader of the descriptor closes it (`| head`), writes reject
 * with `channel.broken`. `close()` ends this component's part of the stream.
 */
type Stdout = ChannelWriter;

/**
 * How `Directory.open` opens a file, after `Deno.open`'s options: `read` (the default when no
 * options are given), `write` (from the start, over what is there), `append`, `truncate` (with
 * `write`), `create` and `createNew` (with `write` or `append`; `createNew` fails if it exists).
 */
interface OpenOptions {
  read?: boolean;
  write?: boolean;
  append?: boolean;
  truncate?: boolean;
  create?: boolean;
  createNew?: boolean;
}

/** A file opened below a directory: a reader when read was asked, a writer for write or append. */
interface OpenedFile {
  /** The path as given to `open`. */
  readonly path: string;
  readonly reader: ChannelReader<Uint8Array<ArrayBuffer>> | undefined;
  readonly writer: ChannelWriter | undefined;
}

/**
 * A directory grant (`file: "dir"` naming a directory): files below it open at run time, within
 * its rights. Paths are relative, never climb out with `..`, and never follow a symbolic link at
 * the file itself; a refusal rejects with a `CapabilityError` (`capability.path`,
 * `capability.rights`, `file.not_found`, `file.exists`, `file.link`, `file.not_regular`).
 */
interface Directory {
  readonly kind: 'directory';
  readonly rights: readonly ('read' | 'write' | 'append' | 'create')[];
  open(path: string, options?: OpenOptions): Promise<OpenedFile>;
}

/** How a child started by `run` ended. */
interface ChildExit {
  readonly kind: 'exit';
  /** 0 when its `main` resolved. */
  readonly code: number;
  readonly reason: string;
}

/** A child component started by `run`. It ends when its parent ends. */
interface Child {
  readonly id: number;
  readonly exited: Promise<ChildExit>;
  terminate(): void;
}

/**
 * What `run` may pass on: capabilities this component holds (regions and host capabilities are
 * derived; channel ends are moved, the caller's stub stops working) and strings (plain
 * arguments, no authority).
 */
type Grants = { readonly [name: string]: Capability | string };

/** `env.run(script, grants)`: starts a child from a script the grant allows. */
interface Run {
  (script: string, grants?: Grants): Child;
}

/** A watch; `close()` ends it. */
interface WatchHandle {
  close(): void;
}

/**
 * A change under a watched path. `overflow`: events were lost, look again. A `deleted` event of
 * the watched directory (or a watched file's directory) ends the watch.
 */
interface PathEvent {
  readonly kind: 'created' | 'modified' | 'deleted' | 'overflow';
  readonly path: string;
}

/** The bytes of a watched region changed (sampled every 50 ms); `path` is the region's name. */
interface RegionEvent {
  readonly kind: 'modified';
  readonly path: string;
}

/** A watched channel end has messages, or its end. */
interface ChannelEvent {
  readonly kind: 'readable';
}

/** `env.watch`: events arrive as turns of the component's loop. At most 256 watches. */
interface Watch {
  path(path: string, onEvent: (event: PathEvent) => void): WatchHandle;
  child(child: Child, onEvent: (event: ChildExit) => void): WatchHandle;
  channel(reader: ChannelReader<any>, onEvent: (event: ChannelEvent) => void): WatchHandle;
  region(region: Region | ReadOnlyRegion, onEvent: (event: RegionEvent) => void): WatchHandle;
}

/** The log capability: `console` writes to the host's log while it is granted. */
interface Log {
  readonly kind: 'log';
}

/** The snapshot capability. */
interface Snapshot {
  readonly kind: 'snapshot';
  /**
   * Writes a stack image (path relative to the manifest) after the current turn. Resolves with
   * `{ restored: false }` here, and with `{ restored: true }` in a component restored from it.
   */
  take(path: string): Promise<{ readonly restored: boolean }>;
}

/** A socket: bytes from the peer on `reader` (end of stream at its FIN), to it on `writer` (`close()` sends FIN). */
interface NetConnection {
  readonly reader: ChannelReader<Uint8Array<ArrayBuffer>>;
  readonly writer: ChannelWriter;
  /** The peer's address and port ("127.0.0.1:8080", "[::1]:8080"). */
  readonly remote: string;
  /** This end's address and port (connections from `connect` only). */
  readonly local: string | undefined;
  /** Closes the socket at once (unsent bytes are dropped) and frees its memory; the ends stop working. */
  close(): void;
}

/** A listening socket: `accept()` or `for await` its connections. */
interface NetListener extends AsyncIterable<NetConnection, undefined> {
  readonly address: string;
  /** The bound port (the one picked when `listen` asked for port 0). */
  readonly port: number;
  /** The next connection; rejects with `CapabilityError` `net.closed` once the listener is closed. */
  accept(): Promise<NetConnection>;
  close(): void;
}

/**
 * The network capability (host NET grant): only the host:port patterns of the grant's `allow`.
 * Names are resolved once by the host and every address checked before it connects; a denial is
 * a `CapabilityError` `net.denied`.
 */
interface Net {
  readonly kind: 'net';
  connect(host: string, port: number): Promise<NetConnection>;
  /** Listens on an address an address pattern of the grant covers (port 0: any free port, needs ports `*`). */
  listen(host: string, port: number): Promise<NetListener>;
  /** The Fetch Standard's fetch (http: and https:), to granted origins only; redirects are checked too. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** Anything `env` may hold that carries authority. */
/**
 * What a service call carries, both ways (copied): `undefined` (null when it comes back from
 * Java), null, booleans, numbers, bigints, strings, `Uint8Array` and `ArrayBuffer` (back as
 * `Uint8Array` from Java), arrays, plain objects and Maps; at most 64 levels deep and 256 KiB
 * encoded. Anything else is a `TypeError` at the call, too deep or too big a `RangeError`.
 */
type ServiceValue = undefined | null | boolean | number | bigint | string | Uint8Array | ArrayBuffer
  | ServiceValue[] | { [key: string]: ServiceValue } | Map<ServiceValue, ServiceValue>;

/**
 * A client of a service: `await env.orders.lookup(id)`. Each method sends the call and resolves
 * with the result, or rejects with a `CapabilityError` whose code the server chose
 * (`service.failed`, `service.timeout`, `service.unknown_method`, `service.bad_args`, or the
 * application's own), or `channel.broken` when the serving component ended. At most 4,096 calls
 * pending (a `RangeError` beyond). `M` names the methods the grant allows. `then` is never a
 * method, so `await env.orders` gives the stub itself.
 */
type Service<M extends string = string> = {
  readonly [K in M]: (...args: ServiceValue[]) => Promise<any>;
};

/** The serving end of a service this component provides. */
interface Serve {
  readonly kind: 'serve';
  /**
   * Serves `impl`'s methods (own or inherited; not those of `Object.prototype`), sync or async,
   * from now on. A thrown error reaches the caller with its own `code` (lower-case words joined by
   * dots) or `service.failed`, and its message.
   */
  serve(impl: object): void;
}

/** Anything `env` may hold that carries authority. */
type Capability = AnyRegion | ChannelReader<any> | ChannelWriter<any> | Run | Watch | Log | Snapshot | Directory | Net | Service | Serve;

/** What every `env` has besides its grants. */
interface EnvBase {
  /** Offers a capability to whoever presents this component's secret (a channel end is moved). */
  export(name: string, capability: Capability): void;
  /**
   * The capabilities exported by the component whose secret this is. `T` says what you expect
   * (`env.link<{ inbox: ChannelWriter }>(secret)`); the platform does not check it. A wrong secret
   * throws `CapabilityError` `link.refused`.
   */
  link<T extends { readonly [name: string]: Capability | undefined } = { readonly [name: string]: Capability | undefined }>(
    secret: string): Readonly<T>;
}

/** The codes a `CapabilityError` carries (others may be added). */
type CapabilityErrorCode =
  | 'capability.revoked' | 'capability.rights' | 'capability.transferred' | 'capability.detached'
  | 'capability.isolation' | 'capability.path' | 'capability.quota' | 'capability.kind'
  | 'channel.broken' | 'channel.closed' | 'channel.corrupt'
  | 'link.refused' | 'link.throttled' | 'snapshot.failed' | 'capability.limit'
  | 'file.not_found' | 'file.exists' | 'file.link' | 'file.not_regular' | 'file.io'
  | 'net.denied' | 'net.refused' | 'net.timeout' | 'net.closed' | 'net.unresolved' | 'net.busy'
  | (string & {});

/** An error about authority: revoked, missing rights, a broken channel, a refused link. */
declare class CapabilityError extends Error {
  constructor(code: CapabilityErrorCode, message?: string);
  readonly name: 'CapabilityError';
  code: CapabilityErrorCode;
}

// ================================================================================================
// Globals: text, console, timers
// ================================================================================================

/** UTF-8 only. */
declare class TextEncoder {
  constructor();
  readonly encoding: 'utf-8';
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

interface TextDecodeOptions {
  stream?: boolean;
}

/** UTF-8 only. */
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: TextDecodeOptions): string;
}

/** Writes through the log capability, prefixed with the component's name; silent without one. */
interface Console {
  log(...data: any[]): void;
  info(...data: any[]): void;
  debug(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
}
declare var console: Console;

/** At most 10,000 pending timers per component. */
declare function setTimeout(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearInterval(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
/** Reports an error as an uncaught one would be, without throwing. */
declare function reportError(e: any): void;

// ================================================================================================
// WinterTC (minimum common web API)
// ================================================================================================

declare var self: typeof globalThis;

interface Navigator {
  readonly userAgent: string;
}
declare var navigator: Navigator;
declare var Navigator: { prototype: Navigator };

interface Performance {
  readonly timeOrigin: number;
  now(): number;
  toJSON(): any;
}
declare var performance: Performance;
declare var Performance: { prototype: Performance };

declare function atob(data: string): string;
declare function btoa(data: string): string;

type Transferable = ArrayBuffer | ReadableStream<any> | WritableStream<any> | TransformStream<any, any>;

interface StructuredSerializeOptions {
  transfer?: Transferable[];
}
declare function structuredClone<T = any>(value: T, options?: StructuredSerializeOptions): T;

declare class DOMException extends Error {
  constructor(message?: string, name?: string);
  readonly name: string;
  readonly message: string;
  /** The legacy numeric code (0 for names without one). */
  readonly code: number;
  static readonly INDEX_SIZE_ERR: 1;
  static readonly NOT_FOUND_ERR: 8;
  static readonly NOT_SUPPORTED_ERR: 9;
  static readonly INVALID_STATE_ERR: 11;
  static readonly SYNTAX_ERR: 12;
  static readonly INVALID_ACCESS_ERR: 15;
  static readonly TYPE_MISMATCH_ERR: 17;
  static readonly SECURITY_ERR: 18;
  static readonly NETWORK_ERR: 19;
  static readonly ABORT_ERR: 20;
  static readonly TIMEOUT_ERR: 23;
  static readonly DATA_CLONE_ERR: 25;
}

// ---- URL ---------------------------------------------------------------------------------------

declare class URL {
  constructor(url: string | URL, base?: string | URL);
  static canParse(url: string | URL, base?: string | URL): boolean;
  static parse(url: string | URL, base?: string | URL): URL | null;
  hash: string;
  host: string;
  hostname: string;
  href: string;
  readonly origin: string;
  password: string;
  pathname: string;
  port: string;
  protocol: string;
  search: string;
  readonly searchParams: URLSearchParams;
  username: string;
  toString(): string;
  toJSON(): string;
}

declare class URLSearchParams {
  constructor(init?: string[][] | Record<string, string> | string | URLSearchParams);
  readonly size: number;
  append(name: string, value: string): void;
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: any): void;
  toString(): string;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

// ---- events and cancellation ---------------------------------------------------------------------

interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

declare class Event {
  constructor(type: string, eventInitDict?: EventInit);
  readonly type: string;
  readonly bubbles: boolean;
  readonly cancelable: boolean;
  readonly composed: boolean;
  readonly defaultPrevented: boolean;
  readonly eventPhase: number;
  readonly isTrusted: boolean;
  readonly target: EventTarget | null;
  readonly currentTarget: EventTarget | null;
  readonly timeStamp: number;
  composedPath(): EventTarget[];
  preventDefault(): void;
  stopImmediatePropagation(): void;
  stopPropagation(): void;
  static readonly NONE: 0;
  static readonly CAPTURING_PHASE: 1;
  static readonly AT_TARGET: 2;
  static readonly BUBBLING_PHASE: 3;
}

interface EventListener {
  (evt: Event): void;
}
interface EventListenerObject {
  handleEvent(object: Event): void;
}
type EventListenerOrEventListenerObject = EventListener | EventListenerObject;

interface EventListenerOptions {
  capture?: boolean;
}
interface AddEventListenerOptions extends EventListenerOptions {
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignal;
}

interface ErrorEventInit extends EventInit {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: any;
}
/** What `reportError` and an uncaught error in a listener or microtask fire at globalThis. */
declare class ErrorEvent extends Event {
  constructor(type: string, eventInitDict?: ErrorEventInit);
  readonly message: string;
  readonly filename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly error: any;
}
declare class EventTarget {
  constructor();
  addEventListener(type: string, callback: EventListenerOrEventListenerObject | null,
      options?: AddEventListenerOptions | boolean): void;
  removeEventListener(type: string, callback: EventListenerOrEventListenerObject | null,
      options?: EventListenerOptions | boolean): void;
  dispatchEvent(event: Event): boolean;
}

declare class AbortSignal extends EventTarget {
  private constructor();
  readonly aborted: boolean;
  readonly reason: any;
  onabort: ((this: AbortSignal, ev: Event) => any) | null;
  throwIfAborted(): void;
  static abort(reason?: any): AbortSignal;
  static timeout(milliseconds: number): AbortSignal;
  static any(signals: AbortSignal[]): AbortSignal;
}

declare class AbortController {
  constructor();
  readonly signal: AbortSignal;
  abort(reason?: any): void;
}

// ---- crypto ------------------------------------------------------------------------------------

type BufferSource = ArrayBuffer | ArrayBufferView;
type KeyUsage = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'deriveKey' | 'deriveBits' | 'wrapKey' | 'unwrapKey';
type KeyType = 'public' | 'private' | 'secret';
type HashAlgorithmIdentifier = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | Algorithm;

interface Algorithm {
  name: string;
}
type AlgorithmIdentifier = Algorithm | string;

interface KeyAlgorithm {
  name: string;
}
interface HmacKeyAlgorithm extends KeyAlgorithm {
  hash: KeyAlgorithm;
  length: number;
}
interface HmacImportParams extends Algorithm {
  name: 'HMAC';
  hash: HashAlgorithmIdentifier;
  length?: number;
}
interface HmacKeyGenParams extends Algorithm {
  name: 'HMAC';
  hash: HashAlgorithmIdentifier;
  length?: number;
}


declare class CryptoKey {
  private constructor();
  readonly algorithm: KeyAlgorithm;
  readonly extractable: boolean;
  readonly type: KeyType;
  readonly usages: KeyUsage[];
}

/** Digests (SHA-1, SHA-256, SHA-384, SHA-512) and HMAC keys, signatures and verification. */
interface SubtleCrypto {
  digest(algorithm: HashAlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: BufferSource, algorithm: HmacImportParams | AlgorithmIdentifier,
      extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey>;
  exportKey(format: 'raw', key: CryptoKey): Promise<ArrayBuffer>;
  generateKey(algorithm: HmacKeyGenParams, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey>;
  sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean>;
}

interface Crypto {
  readonly subtle: SubtleCrypto;
  /** Fills an integer typed array (at most 65,536 bytes) with random values and returns it. */
  getRandomValues<T extends Exclude<ArrayBufferView, Float32Array | Float64Array | DataView>>(array: T): T;
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}
declare var crypto: Crypto;
/** The interfaces of `crypto`, `crypto.subtle`, `navigator` and `performance`: not constructible. */
declare var Crypto: { prototype: Crypto };
declare var SubtleCrypto: { prototype: SubtleCrypto };

// ---- streams -----------------------------------------------------------------------------------

interface QueuingStrategySize<T = any> {
  (chunk: T): number;
}
interface QueuingStrategy<T = any> {
  highWaterMark?: number;
  size?: QueuingStrategySize<T>;
}
interface QueuingStrategyInit {
  highWaterMark: number;
}
declare class ByteLengthQueuingStrategy implements QueuingStrategy<ArrayBufferView> {
  constructor(init: QueuingStrategyInit);
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize<ArrayBufferView>;
}
declare class CountQueuingStrategy implements QueuingStrategy {
  constructor(init: QueuingStrategyInit);
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize;
}

interface ReadableStreamDefaultController<R = any> {
  readonly desiredSize: number | null;
  close(): void;
  enqueue(chunk?: R): void;
  error(e?: any): void;
}
declare var ReadableStreamDefaultController: { prototype: ReadableStreamDefaultController };
interface UnderlyingSource<R = any> {
  start?: (controller: ReadableStreamDefaultController<R>) => any;
  pull?: (controller: ReadableStreamDefaultController<R>) => void | PromiseLike<void>;
  cancel?: (reason?: any) => void | PromiseLike<void>;
  type?: undefined;
}
type ReadableStreamReadResult<T> = { done: false; value: T } | { done: true; value?: undefined };
declare class ReadableStreamDefaultReader<R = any> {
  constructor(stream: ReadableStream<R>);
  readonly closed: Promise<void>;
  cancel(reason?: any): Promise<void>;
  read(): Promise<ReadableStreamReadResult<R>>;
  releaseLock(): void;
}
interface StreamPipeOptions {
  preventAbort?: boolean;
  preventCancel?: boolean;
  preventClose?: boolean;
  signal?: AbortSignal;
}
interface ReadableWritablePair<R = any, W = any> {
  readable: ReadableStream<R>;
  writable: WritableStream<W>;
}
interface ReadableStreamIteratorOptions {
  preventCancel?: boolean;
}
declare class ReadableStream<R = any> {
  constructor(underlyingSource?: UnderlyingSource<R>, strategy?: QueuingStrategy<R>);
  static from<R>(asyncIterable: AsyncIterable<R> | Iterable<R | PromiseLike<R>>): ReadableStream<R>;
  readonly locked: boolean;
  cancel(reason?: any): Promise<void>;
  getReader(): ReadableStreamDefaultReader<R>;
  pipeThrough<T>(transform: ReadableWritablePair<T, R>, options?: StreamPipeOptions): ReadableStream<T>;
  pipeTo(destination: WritableStream<R>, options?: StreamPipeOptions): Promise<void>;
  tee(): [ReadableStream<R>, ReadableStream<R>];
  values(options?: ReadableStreamIteratorOptions): AsyncIterableIterator<R>;
  [Symbol.asyncIterator](options?: ReadableStreamIteratorOptions): AsyncIterableIterator<R>;
}

interface WritableStreamDefaultController {
  readonly signal: AbortSignal;
  error(e?: any): void;
}
declare var WritableStreamDefaultController: { prototype: WritableStreamDefaultController };
interface UnderlyingSink<W = any> {
  start?: (controller: WritableStreamDefaultController) => any;
  write?: (chunk: W, controller: WritableStreamDefaultController) => void | PromiseLike<void>;
  close?: () => void | PromiseLike<void>;
  abort?: (reason?: any) => void | PromiseLike<void>;
  type?: undefined;
}
declare class WritableStreamDefaultWriter<W = any> {
  constructor(stream: WritableStream<W>);
  readonly closed: Promise<void>;
  readonly desiredSize: number | null;
  readonly ready: Promise<void>;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  releaseLock(): void;
  write(chunk?: W): Promise<void>;
}
declare class WritableStream<W = any> {
  constructor(underlyingSink?: UnderlyingSink<W>, strategy?: QueuingStrategy<W>);
  readonly locked: boolean;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  getWriter(): WritableStreamDefaultWriter<W>;
}

interface TransformStreamDefaultController<O = any> {
  readonly desiredSize: number | null;
  enqueue(chunk?: O): void;
  error(reason?: any): void;
  terminate(): void;
}
declare var TransformStreamDefaultController: { prototype: TransformStreamDefaultController };
interface Transformer<I = any, O = any> {
  start?: (controller: TransformStreamDefaultController<O>) => any;
  transform?: (chunk: I, controller: TransformStreamDefaultController<O>) => void | PromiseLike<void>;
  flush?: (controller: TransformStreamDefaultController<O>) => void | PromiseLike<void>;
  cancel?: (reason?: any) => void | PromiseLike<void>;
  readableType?: undefined;
  writableType?: undefined;
}
declare class TransformStream<I = any, O = any> {
  constructor(transformer?: Transformer<I, O>, writableStrategy?: QueuingStrategy<I>,
      readableStrategy?: QueuingStrategy<O>);
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
}

declare class TextEncoderStream {
  constructor();
  readonly encoding: 'utf-8';
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<string>;
}
declare class TextDecoderStream {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  readonly readable: ReadableStream<string>;
  readonly writable: WritableStream<BufferSource>;
}

type CompressionFormat = 'deflate' | 'deflate-raw' | 'gzip';
declare class CompressionStream {
  constructor(format: CompressionFormat);
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<BufferSource>;
}
declare class DecompressionStream {
  constructor(format: CompressionFormat);
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<BufferSource>;
}

// ---- Blob --------------------------------------------------------------------------------------

type BlobPart = BufferSource | Blob | string;
interface BlobPropertyBag {
  endings?: 'native' | 'transparent';
  type?: string;
}
declare class Blob {
  constructor(blobParts?: BlobPart[], options?: BlobPropertyBag);
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
  slice(start?: number, end?: number, contentType?: string): Blob;
  stream(): ReadableStream<Uint8Array<ArrayBuffer>>;
  text(): Promise<string>;
}
interface FilePropertyBag extends BlobPropertyBag {
  lastModified?: number;
}
declare class File extends Blob {
  constructor(fileBits: BlobPart[], fileName: string, options?: FilePropertyBag);
  readonly name: string;
  readonly lastModified: number;
}

// ================================================================================================
// Fetch: Headers, Request, Response (fetch itself is a NET capability's: env.net.fetch)
// ================================================================================================

type HeadersInit = [string, string][] | Record<string, string> | Headers;
declare class Headers implements Iterable<[string, string]> {
  constructor(init?: HeadersInit);
  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  getSetCookie(): string[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  forEach(callbackfn: (value: string, key: string, parent: Headers) => void, thisArg?: any): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
type BodyInit = ReadableStream<Uint8Array> | Blob | BufferSource | URLSearchParams | string;
interface Body {
  readonly body: ReadableStream<Uint8Array<ArrayBuffer>> | null;
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
  json(): Promise<any>;
  text(): Promise<string>;
}
type RequestRedirect = 'error' | 'follow' | 'manual';
interface RequestInit {
  body?: BodyInit | null;
  headers?: HeadersInit;
  method?: string;
  redirect?: RequestRedirect;
  signal?: AbortSignal | null;
}
/** A request: an absolute http: or https: URL (a component has no base URL). */
declare class Request {
  constructor(input: string | URL | Request, init?: RequestInit);
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly redirect: RequestRedirect;
  readonly signal: AbortSignal;
  clone(): Request;
}
/** The body's members come from Body (declaration merging). */
interface Request extends Body {}
interface ResponseInit {
  headers?: HeadersInit;
  status?: number;
  statusText?: string;
}
type ResponseType = 'basic' | 'default' | 'error';
declare class Response {
  constructor(body?: BodyInit | null, init?: ResponseInit);
  static error(): Response;
  static redirect(url: string | URL, status?: number): Response;
  static json(data: any, init?: ResponseInit): Response;
  readonly type: ResponseType;
  readonly url: string;
  readonly redirected: boolean;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  clone(): Response;
}
/** The body's members come from Body (declaration merging). */
interface Response extends Body {}

// ================================================================================================
// CommonJS modules
// ================================================================================================

/** A module's exports by its id. */
declare function require(id: string): any;
interface Module {
  exports: any;
  readonly id: string;
}
declare var module: Module;
declare var exports: any;

// ================================================================================================
// WebAssembly: memories, modules and instances made within the component's off-heap budget.
// No JSPI (promising, Suspending), no shared memory, no streaming compilation.
// ================================================================================================

declare namespace WebAssembly {
  type ImportExportKind = 'function' | 'global' | 'memory' | 'table' | 'tag';
  type TableKind = 'anyfunc' | 'externref';
  type ValueType = 'anyfunc' | 'externref' | 'f32' | 'f64' | 'i32' | 'i64' | 'v128';
  type ExportValue = Function | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ExportValue | number | bigint;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;

  interface ModuleExportDescriptor {
    kind: ImportExportKind;
    name: string;
  }
  interface ModuleImportDescriptor {
    kind: ImportExportKind;
    module: string;
    name: string;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    address?: 'i32' | 'i64';
  }
  interface TableDescriptor {
    element: TableKind;
    initial: number;
    maximum?: number;
  }
  interface GlobalDescriptor {
    mutable?: boolean;
    value: ValueType;
  }
  interface WebAssemblyInstantiatedSource {
    instance: Instance;
    module: Module;
  }

  class Module {
    constructor(bytes: BufferSource);
    static customSections(moduleObject: Module, sectionName: string): ArrayBuffer[];
    static exports(moduleObject: Module): ModuleExportDescriptor[];
    static imports(moduleObject: Module): ModuleImportDescriptor[];
  }
  class Instance {
    constructor(module: Module, importObject?: Imports);
    readonly exports: Exports;
  }
  /** Its maximum is clamped to what is left of the off-heap budget; past it, grow() fails. */
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Table {
    constructor(descriptor: TableDescriptor, value?: any);
    readonly length: number;
    get(index: number): any;
    grow(delta: number, value?: any): number;
    set(index: number, value?: any): void;
  }
  class Global {
    constructor(descriptor: GlobalDescriptor, v?: any);
    value: any;
    valueOf(): any;
  }
  class CompileError extends Error {
    constructor(message?: string);
  }
  class LinkError extends Error {
    constructor(message?: string);
  }
  class RuntimeError extends Error {
    constructor(message?: string);
  }

  /** Compiles in the current turn; the promise settles with it. */
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, importObject?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(moduleObject: Module, importObject?: Imports): Promise<Instance>;
  function validate(bytes: BufferSource): boolean;
}
