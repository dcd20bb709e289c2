// b8g prelude: The snapshot capability.
// ---- snapshot capability --------------------------------------------------------------------
// A request is recorded here, not in Java: the host takes the snapshot after the current turn
// (never inside it) and settles the promise in the runtime that goes on. The same record is in
// the image, so a component restored from it learns so through the same promise.
const snapshotRequests = new MapCtor(); // request id -> [resolve, reject]
let nextSnapshotRequest = 1;
function makeSnapshot(d, name) {
  const rec = slotRecord(KIND_SNAPSHOT, d.slot);
  const stub = {
    kind: KIND_SNAPSHOT,
    // Resolves with { restored: false } when the image is written and this component goes on,
    // and with { restored: true } in a component restored from that image.
    take(path) {
      if (typeof path !== 'string') throw new TypeErrorCtor('snapshot.take(path): path must be a string');
      const id = nextSnapshotRequest++;
      call(TO_HOST_SNAPSHOT, rec.slot, id, path);
      return new PromiseCtor((resolve, reject) => { mapSet(snapshotRequests, id, [resolve, reject]); });
    },
  };
  return register(stub, rec.slot, rec, name);
}

// name: what the host calls this capability when it re-binds it after a restore.
