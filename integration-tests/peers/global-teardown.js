module.exports = async function globalTeardown() {
  require("./tryton").stop()
}
