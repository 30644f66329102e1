// RecordIO as the Mesos v1 streams frame it: "<length in bytes>\n<record>" repeated. The length
// counts bytes, not characters, so the parser works on bytes and decodes a record once whole.
// Each byte is copied once: a record's buffer is allocated at its announced length and filled as
// chunks arrive (joining every chunk to the unparsed rest made a multi-megabyte SUBSCRIBED cost
// time quadratic in its size).

export class RecordIOParser {
  constructor(onRecord) {
    this.onRecord = onRecord;
    this.decoder = new TextDecoder();
    this.header = new Uint8Array(0);
    this.record = null;
    this.filled = 0;
  }

  /** Feeds one chunk of the body (a Uint8Array), calling onRecord(string) for each whole record. */
  push(chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.record) {
        const n = Math.min(this.record.length - this.filled, chunk.length - offset);
        this.record.set(chunk.subarray(offset, offset + n), this.filled);
        this.filled += n;
        offset += n;
        if (this.filled === this.record.length) this.emit();
        continue;
      }
      const newline = chunk.indexOf(10, offset);
      const end = newline < 0 ? chunk.length : newline;
      const header = new Uint8Array(this.header.length + end - offset);
      header.set(this.header, 0);
      header.set(chunk.subarray(offset, end), this.header.length);
      this.header = header;
      if (newline < 0) break;
      offset = newline + 1;
      const text = this.decoder.decode(this.header).trim();
      const length = Number(text);
      if (!Number.isInteger(length) || length < 0) {
        throw new Error(`Bad RecordIO length '${text}'`);
      }
      this.header = new Uint8Array(0);
      this.record = new Uint8Array(length);
      this.filled = 0;
      if (length === 0) this.emit();
    }
  }

  emit() {
    const record = this.record;
    this.record = null;
    this.onRecord(this.decoder.decode(record));
  }
}
