import { checkSerializersAgainstZod } from '../../src/http/serializer.ts';

// Every answer of every test also goes through zod's encode: the compiled serializers must
// write the same bytes (src/http/serializer.ts).
checkSerializersAgainstZod(true);
