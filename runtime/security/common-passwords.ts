/**
 * A short list of the most common passwords (from public breach top lists). Compared lower-cased,
 * also after stripping trailing digits/symbols (so `password123!` is caught). Not exhaustive: the
 * length and similarity rules carry the rest.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '12345678', '123456789', '1234567890', 'password', 'password1', 'passw0rd', 'qwerty',
  'qwertyuiop', 'qwerty123', 'abc123', 'abcd1234', 'iloveyou', 'admin', 'administrator', 'welcome',
  'welcome1', 'letmein', 'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess', 'master',
  'shadow', 'superman', 'batman', 'trustno1', 'michael', 'jennifer', 'hunter', 'hunter2', 'starwars',
  'whatever', 'freedom', 'computer', 'internet', 'changeme', 'secret', 'default', 'login', 'guest',
  'test', 'testing', 'test1234', 'qazwsx', '1q2w3e4r', '1qaz2wsx', 'zaq12wsx', 'asdfghjk', 'asdfasdf',
  'zxcvbnm', 'zxcvbnm1', 'aaaaaaaa', 'access', 'mustang', 'charlie', 'pokemon', 'liverpool', 'chelsea',
  'arsenal', 'loveme', 'lovely', 'ninja', 'azerty', 'solo', 'flower', 'cheese', 'summer', 'winter',
  'spring', 'autumn', 'hello', 'hellohello', 'google', 'samsung', 'apple', 'loop', 'looploop',
  'strongpassword', 'mypassword', 'newpassword', 'goodpassword', 'pa$$word', 'p@ssw0rd', 'p@ssword',
]);
