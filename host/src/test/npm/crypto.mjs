// Packages that need crypto.getRandomValues (the web's crypto, which b8g's prelude provides).
import { v4 as uuidv4, validate, version } from 'uuid';
import { nanoid } from 'nanoid';

export function main(env) {
  const id = uuidv4();
  console.log('uuid', validate(id), version(id));
  console.log('nanoid', /^[A-Za-z0-9_-]{21}$/.test(nanoid()));
}
