const jwt = require('jsonwebtoken');

// JG204: the key from the jsonwebtoken README, guessed in seconds
module.exports = (user) => jwt.sign({ sub: user.id }, 'shhhhh', { expiresIn: '15m' });
