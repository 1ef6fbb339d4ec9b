// Demo: JWT handling mistakes in an Express service, one of each kind.
const fs = require('fs');
const jwt = require('jsonwebtoken');

function requireAdmin(req, res, next) {
  const claims = jwt.decode(req.get('x-token'));
  if (claims.role === 'admin') return next();
  return res.sendStatus(403);
}

function verifyLegacy(token) {
  return jwt.verify(token, publicKey, { algorithms: ['RS256', 'none'], ignoreExpiration: true });
}

function verifyAny(token) {
  return jwt.verify(token, publicKey);
}

function issue(user) {
  return jwt.sign({ sub: user.id }, process.env.JWT_KEY);
}

async function keyFor(header) {
  if (header.kid) return fs.readFileSync(`keys/${header.kid}.pem`);
  return (await fetch(header.jku)).json();
}

function login(res, token) {
  console.log('issued token', token);
  res.redirect(`/app?token=${token}`);
}
