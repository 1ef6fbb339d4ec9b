// Insecure uses of jsonwebtoken, jose and express-jwt; each line is a finding.
const jwt = require('jsonwebtoken');
const { expressjwt } = require('express-jwt');
const { jwtVerify, decodeJwt, UnsecuredJWT, SignJWT } = require('jose');

function none(t, k) { return jwt.verify(t, k, { algorithms: ['HS256', 'none'] }); }
function unpinned(t, pem) { return jwt.verify(t, pem); }
function fromHeader(t, k, decoded) { return jwt.verify(t, k, { algorithms: [decoded.header.alg] }); }
function noExpiry(t, k) { return jwt.verify(t, k, { algorithms: ['RS256'], ignoreExpiration: true }); }
function longSkew(t, k) { return jwt.verify(t, k, { algorithms: ['RS256'], clockTolerance: 86400 }); }

function admin(req, res, next) {
  const claims = jwt.decode(req.query.t);
  if (claims.isAdmin) return next();
  res.sendStatus(403);
}

const forever = jwt.sign({ sub: 'svc' }, process.env.KEY);
app.use(expressjwt({ secret: process.env.KEY }));
async function remote(t, JWKS) { return jwtVerify(t, JWKS, { issuer: 'https://idp' }); }
const peek = decodeJwt(token);
const unsigned = UnsecuredJWT.decode(token);
const minted = await new SignJWT({ sub: 'svc' }).setProtectedHeader({ alg: 'ES256' }).sign(key);

async function keyFromJku(header) { return fetch(header.jku).then((r) => r.json()); }
const pem = fs.readFileSync(`keys/${header.kid}.pem`);
res.redirect(`/app?token=${token}`);
console.log('issued', token);
