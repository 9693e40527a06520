import { checkSerializersAgainstZod } from '../../src/http/serializer.ts';

// Every answer of every test also goes through zod's encode: the compiled serializers must
// write the same JSON value (src/http/serializer.ts).
checkSerializersAgainstZod(true);
