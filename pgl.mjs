import { PGlite } from '@electric-sql/pglite';

let t = Date.now();
const db = await PGlite.create();
console.log('create', Date.now() - t);
t = Date.now();
await db.exec('create table x (id int primary key, n int); insert into x values (1, 5);');
const r = await db.query('update x set n = n + 1 where id = $1 and n < 100', [1]);
console.log(r.affectedRows, r.rows);
const blob = await db.dumpDataDir('none');
console.log('dump', Date.now() - t, blob.size);
t = Date.now();
const db2 = await PGlite.create({ loadDataDir: blob });
console.log('load', Date.now() - t);
t = Date.now();
console.log((await db2.query('select * from x')).rows);
console.log(process.memoryUsage().rss / 1e6);
