// b8g channel ring, JavaScript side. Layout and rules: b8g.memory.RingDescriptor (Java).
// RingScript wraps this text into one classic-script expression evaluating to the factory R. It captures every
// built-in it uses while it is evaluated (before user code runs), so later patches of
// Uint8Array.prototype, Atomics, Reflect, Error and the like change nothing here. It uses no
// global beyond ECMAScript.
//
// Memory ordering: record bytes are plain typed-array stores; the writer publishes with
// Atomics.store(tail) and the reader acquires with Atomics.load(tail). Counters and waiting
// flags are only touched with Atomics (sequentially consistent), which the wake-up protocol
// (store own flag, then re-load the other's counter) needs.
  const AtomicsLoad = Atomics.load;
  const AtomicsStore = Atomics.store;
  const ReflectApply = Reflect.apply;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectFreeze = Object.freeze;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const U8 = Uint8Array;
  const I32 = Int32Array;
  const F64 = Float64Array;
  const ErrorCtor = Error;
  const RangeErrorCtor = RangeError;
  const TypedArrayPrototype = ObjectGetPrototypeOf(U8.prototype);
  const u8Set = TypedArrayPrototype.set;
  const taLength = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'length').get;
  const abByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  // A message count as stored (RingDescriptor: a float64 integer, exact up to 2^53), or 0 when
  // the word holds no count an end could have written: an end that attaches continues the count.
  const count = (v) => (v >= 0 && v <= 9007199254740992 && v % 1 === 0 ? v : 0);
  // Number-to-string of a uint32 without touching Number.prototype.
  const u32 = (v) => '' + (v >>> 0);

  // The layout (MAGIC, VERSION_MAJOR, MIN_CAPACITY, MAX_CAPACITY, TRAILER, the Int32 indices
  // *_I relative to capacity / 4, and the record types PADDING, BYTES, TEXT, END) is declared
  // ahead of this text by RingScript, from RingDescriptor. The record header (8 bytes: length,
  // type) and the 8-byte alignment stay literals on the hot path; RingScriptTest pins them.
  // Not a record type: what offer/poll/peek return when the other end is gone for good (its state
  // word, written by whoever supervises that end; see RingDescriptor).
  const BROKEN = -1;

  function fail(code, message) {
    const e = new ErrorCtor(message);
    ObjectDefineProperty(e, 'code', { __proto__: null, value: code, writable: true, configurable: true, enumerable: true });
    return e;
  }
  function corrupt(what) {
    return fail('channel.corrupt', 'channel corrupt: ' + what);
  }

  // Checks the descriptor line; returns the capacity.
  function attach(ab) {
    const total = ReflectApply(abByteLength, ab, []); // throws TypeError for a non-ArrayBuffer
    const capacity = total - TRAILER;
    if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      throw corrupt('buffer of ' + total + ' bytes is not capacity + 512 for a power-of-two capacity in 4 KiB .. 1 GiB');
    }
    const i32 = new I32(ab);
    const t = capacity >> 2;
    const magic = AtomicsLoad(i32, t + MAGIC_I);
    if (magic !== MAGIC) {
      throw corrupt('magic is ' + u32(magic) + ', expected ' + MAGIC + ' (not a b8g ring, or not initialised)');
    }
    const version = AtomicsLoad(i32, t + VERSION_I);
    if ((version >>> 16) !== VERSION_MAJOR) {
      throw fail('channel.version', 'channel ring version ' + (version >>> 16) + '.' + (version & 0xffff) +
        ' is not supported (this build reads ' + VERSION_MAJOR + '.x)');
    }
    if (AtomicsLoad(i32, t + CAPACITY_I) !== capacity) {
      throw corrupt('descriptor capacity ' + u32(AtomicsLoad(i32, t + CAPACITY_I)) + ' does not match the buffer\'s ' + capacity);
    }
    if (AtomicsLoad(i32, t + MAX_PAYLOAD_I) !== capacity / 2 - 8) {
      throw corrupt('descriptor maxPayload ' + AtomicsLoad(i32, t + MAX_PAYLOAD_I) + ' is not capacity / 2 - 8');
    }
    return capacity;
  }

  class Writer {
    #ab; #u8; #i32; #capacity; #mask; #maxPayload; #tailI; #headI; #readerWaitingI; #writerWaitingI;
    #readerStateI; #tail; #headCache; #need; #f64; #writtenD; #written;
    // Declared, not assigned (see Reader): payload bytes of the last record offered (written or
    // not); callers charge work by it.
    length = 0;
    constructor(ab) {
      const capacity = attach(ab);
      this.#ab = ab;
      this.#u8 = new U8(ab);
      this.#i32 = new I32(ab);
      this.#capacity = capacity;
      this.#mask = capacity - 1;
      const t = capacity >> 2;
      this.#tailI = t + TAIL_I;
      this.#headI = t + HEAD_I;
      this.#readerWaitingI = t + READER_WAITING_I;
      this.#writerWaitingI = t + WRITER_WAITING_I;
      this.#readerStateI = t + READER_STATE_I;
      // Read once: the tail lives in this object from now on and is only written to memory.
      const tail = AtomicsLoad(this.#i32, this.#tailI);
      const head = AtomicsLoad(this.#i32, this.#headI);
      const used = (tail - head) | 0;
      if ((tail & 7) !== 0 || (head & 7) !== 0 || used < 0 || used > capacity) {
        throw corrupt('writer attached with tail ' + u32(tail) + ' and head ' + u32(head));
      }
      this.#tail = tail;
      this.#headCache = head;
      this.#need = 0;
      this.#maxPayload = capacity / 2 - 8;
      this.#f64 = new F64(ab);
      this.#writtenD = (capacity >> 3) + MESSAGES_WRITTEN_D;
      this.#written = count(this.#f64[this.#writtenD]);
    }

    // BYTES and TEXT records published through this ring, writers before this one included.
    get written() {
      return this.#written;
    }

    get maxPayload() {
      return this.#maxPayload;
    }

    offer(u8, type) {
      const length = ReflectApply(taLength, u8, []); // TypeError unless u8 is a typed array
      if (length > this.#maxPayload) {
        throw new RangeErrorCtor('message of ' + length + ' bytes exceeds this channel\'s maximum of ' + this.#maxPayload + ' bytes');
      }
      this.length = length;
      if (type !== BYTES && type !== TEXT && (type !== END || length !== 0)) {
        throw new RangeErrorCtor('record type ' + type + ' cannot be offered: use 2 (BYTES), 3 (TEXT) or 4 (END, empty)');
      }
      const capacity = this.#capacity;
      const i32 = this.#i32;
      // A ring nobody will read again takes nothing more (EPIPE): one load of a line that is
      // read-only in the steady state.
      if (AtomicsLoad(i32, this.#readerStateI) !== 0) {
        return BROKEN;
      }
      let tail = this.#tail;
      const size = (length + 15) & -8;
      let index = tail & this.#mask;
      const toEnd = capacity - index;
      const required = size <= toEnd ? size : toEnd + size;
      if (capacity - ((tail - this.#headCache) | 0) < required) {
        this.#refreshHead();
        if (capacity - ((tail - this.#headCache) | 0) < required) {
          this.#need = required;
          return 0;
        }
      }
      if (size > toEnd) {
        i32[(index >> 2) + 1] = PADDING;
        i32[index >> 2] = toEnd - 8;
        tail = (tail + toEnd) | 0;
        index = 0;
      }
      if (length !== 0) {
        ReflectApply(u8Set, this.#u8, [u8, index + 8]);
      }
      i32[(index >> 2) + 1] = type;
      i32[index >> 2] = length;
      tail = (tail + size) | 0;
      this.#tail = tail;
      // The count: a plain store on the producer line, ordered by the tail's store.
      if (type !== END) {
        this.#f64[this.#writtenD] = ++this.#written;
      }
      AtomicsStore(i32, this.#tailI, tail);
      if (AtomicsLoad(i32, this.#readerWaitingI) !== 0) {
        AtomicsStore(i32, this.#readerWaitingI, 0);
        return 2;
      }
      return 1;
    }

    // True if the record that last did not fit would fit now: a cheap poll to spin on before
    // armWait (offer still validates the head it reads).
    writable() {
      return this.#capacity - ((this.#tail - AtomicsLoad(this.#i32, this.#headI)) | 0) >= this.#need;
    }

    // True once the reader is gone for good: offer returns BROKEN from then on.
    gone() {
      return AtomicsLoad(this.#i32, this.#readerStateI) !== 0;
    }

    // Sets the waiting flag, then re-checks. True: try again now (room, or the reader is gone and
    // offer will say BROKEN); false: the reader (or the host, when it goes) will signal.
    armWait() {
      AtomicsStore(this.#i32, this.#writerWaitingI, 1);
      this.#refreshHead();
      if (this.#capacity - ((this.#tail - this.#headCache) | 0) >= this.#need || this.gone()) {
        AtomicsStore(this.#i32, this.#writerWaitingI, 0);
        return true;
      }
      return false;
    }

    #refreshHead() {
      const head = AtomicsLoad(this.#i32, this.#headI);
      const cached = this.#headCache;
      const advanced = (head - cached) | 0;
      if ((head & 7) !== 0) {
        throw corrupt('head ' + u32(head) + ' is not a multiple of 8');
      }
      if (advanced < 0) {
        throw corrupt('head moved backwards from ' + u32(cached) + ' to ' + u32(head));
      }
      if (advanced > ((this.#tail - cached) | 0)) {
        throw corrupt('head ' + u32(head) + ' is beyond tail ' + u32(this.#tail));
      }
      this.#headCache = head;
    }
  }

  class Reader {
    #ab; #u8; #i32; #capacity; #mask; #maxPayload; #tailI; #headI; #readerWaitingI; #writerWaitingI;
    #writerStateI; #head; #tailCache; #type; #length; #size; #peeked; #f64; #readD; #read;
    // Public fields are declared, not assigned in the constructor: a declaration defines the
    // property, so a setter user code put on Object.prototype under the same name never runs.
    bytes = null; // the payload poll() copied out last
    length = 0; // payload bytes of the record poll() copied out last
    view = null;
    wake = false;
    constructor(ab) {
      const capacity = attach(ab);
      this.#ab = ab;
      this.#u8 = new U8(ab);
      this.#i32 = new I32(ab);
      this.#capacity = capacity;
      this.#mask = capacity - 1;
      this.#maxPayload = capacity / 2 - 8;
      const t = capacity >> 2;
      this.#tailI = t + TAIL_I;
      this.#headI = t + HEAD_I;
      this.#readerWaitingI = t + READER_WAITING_I;
      this.#writerWaitingI = t + WRITER_WAITING_I;
      this.#writerStateI = t + WRITER_STATE_I;
      // Read once: the head lives in this object from now on and is only written to memory.
      const head = AtomicsLoad(this.#i32, this.#headI);
      if ((head & 7) !== 0) {
        throw corrupt('reader attached with head ' + u32(head) + ', not a multiple of 8');
      }
      this.#head = head;
      this.#tailCache = head;
      this.#type = 0;
      this.#length = 0;
      this.#size = 0;
      this.#peeked = false;
      this.#f64 = new F64(ab);
      this.#readD = (capacity >> 3) + MESSAGES_READ_D;
      this.#read = count(this.#f64[this.#readD]);
    }

    // BYTES and TEXT records consumed from this ring, readers before this one included.
    get read() {
      return this.#read;
    }

    // The next record's type with its payload copied to this.bytes; 0 when nothing is published,
    // BROKEN when nothing is left and the writer is gone for good.
    poll() {
      const index = this.#next();
      if (index < 0) {
        return index === -1 ? 0 : BROKEN;
      }
      const length = this.#length;
      const out = new U8(length);
      if (length !== 0) {
        // A view and one set() at every size: a byte loop cost about twice as much for 64 bytes
        // (bench Experiments, V8 14.7).
        ReflectApply(u8Set, out, [new U8(this.#ab, index + 8, length)]);
      }
      this.bytes = out;
      this.length = length;
      this.#consume();
      return this.#type;
    }

    peek() {
      const index = this.#next();
      if (index < 0) {
        return index === -1 ? 0 : BROKEN;
      }
      this.view = new U8(this.#ab, index + 8, this.#length);
      this.#peeked = true;
      return this.#type;
    }

    release() {
      if (this.#peeked) {
        this.#peeked = false;
        this.view = null;
        this.#consume();
      }
    }

    // True if something is published past this reader's head: a cheap poll to spin on before armWait.
    // A writer that is gone counts: poll then says BROKEN once the ring is drained.
    readable() {
      return this.#tailCache !== this.#head || AtomicsLoad(this.#i32, this.#tailI) !== this.#head
        || AtomicsLoad(this.#i32, this.#writerStateI) !== 0;
    }

    armWait() {
      AtomicsStore(this.#i32, this.#readerWaitingI, 1);
      if (AtomicsLoad(this.#i32, this.#tailI) !== this.#head || AtomicsLoad(this.#i32, this.#writerStateI) !== 0) {
        AtomicsStore(this.#i32, this.#readerWaitingI, 0);
        return true;
      }
      return false;
    }

    #consume() {
      const head = (this.#head + this.#size) | 0;
      this.#head = head;
      // The count: a plain store on the consumer line, ordered by the head's store.
      if (this.#type !== END) {
        this.#f64[this.#readD] = ++this.#read;
      }
      AtomicsStore(this.#i32, this.#headI, head);
      if (AtomicsLoad(this.#i32, this.#writerWaitingI) !== 0) {
        AtomicsStore(this.#i32, this.#writerWaitingI, 0);
        this.wake = true;
      }
    }

    // Finds the next BYTES/TEXT/END record, skipping padding, and checks everything read from
    // the writer. Returns its index, -1 if nothing is published, -2 if nothing is published and the
    // writer is gone for good (its state word is read only here, on the empty path).
    #next() {
      const capacity = this.#capacity;
      const i32 = this.#i32;
      for (;;) {
        const head = this.#head;
        let available = (this.#tailCache - head) | 0;
        if (available === 0) {
          let tail = AtomicsLoad(i32, this.#tailI);
          available = (tail - head) | 0;
          if (available === 0) {
            if (AtomicsLoad(i32, this.#writerStateI) === 0) {
              return -1;
            }
            // Gone: what it published before is visible now, and is read before the end shows.
            tail = AtomicsLoad(i32, this.#tailI);
            available = (tail - head) | 0;
            if (available === 0) {
              return -2;
            }
          }
          if (available < 0 || available > capacity || (available & 7) !== 0) {
            throw corrupt('tail ' + u32(tail) + ' is impossible for head ' + u32(head));
          }
          this.#tailCache = tail;
        }
        const index = head & this.#mask;
        const length = i32[index >> 2];
        const type = i32[(index >> 2) + 1];
        if (type < PADDING || type > END) {
          throw corrupt('record type ' + type + ' at index ' + index);
        }
        if (length < 0 || length > capacity - 8) {
          throw corrupt('record length ' + length + ' at index ' + index);
        }
        const size = (length + 15) & -8;
        if (size > available) {
          throw corrupt('record at index ' + index + ' needs ' + size + ' bytes but only ' + available + ' are published');
        }
        if (index + size > capacity) {
          throw corrupt('record at index ' + index + ' of ' + size + ' bytes crosses the end of the data area');
        }
        if (type === PADDING) {
          if (index + size !== capacity) {
            throw corrupt('padding at index ' + index + ' of ' + size + ' bytes does not fill to the end');
          }
          this.#head = (head + size) | 0;
          AtomicsStore(i32, this.#headI, this.#head);
          continue;
        }
        if (length > this.#maxPayload) {
          throw corrupt('record length ' + length + ' at index ' + index + ' exceeds maxPayload ' + this.#maxPayload);
        }
        if (type === END && length !== 0) {
          throw corrupt('END record at index ' + index + ' has a payload');
        }
        this.#type = type;
        this.#length = length;
        this.#size = size;
        return index;
      }
    }
  }

  ObjectFreeze(Writer.prototype);
  ObjectFreeze(Writer);
  ObjectFreeze(Reader.prototype);
  ObjectFreeze(Reader);
  const R = {
    __proto__: null,
    TYPE: ObjectFreeze({ __proto__: null, PADDING, BYTES, TEXT, END }),
    BROKEN,
    writer(arrayBuffer) {
      return new Writer(arrayBuffer);
    },
    reader(arrayBuffer) {
      return new Reader(arrayBuffer);
    },
  };
  return ObjectFreeze(R);
