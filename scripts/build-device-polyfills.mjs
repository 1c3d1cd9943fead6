// What the Espruino bundle adds to Espruino 2v29 (../shared/engines/README.md lists what it
// lacks). A polyfill is included only when the lowered bundle names what it provides. All of
// them are local to the bundle's function scope except the typed-array `slice` fix, which
// must patch the prototypes (Espruino's returns a plain Array: a silent corruption).
//
// Map / Set keep keys in an array and find them with the native indexOf (Espruino objects are
// linked lists, so a dictionary would not be faster); keys()/values()/entries() return arrays,
// the only thing Espruino's for-of walks. WeakMap is used by the core only as a cache, so here
// it is a Map bounded to its 4 most recent keys (keys are held strongly, so few): entries cannot be weak, and must not pile up.

const POLYFILLS = [
  {
    // Is x one of the Map/Set below? Never reads a property of anything else: reading an
    // unknown property of a typed array throws (or trips an interpreter assertion) on Espruino.
    name: 'collection test', always: true,
    code: `var __coll=function(x){return x!=null&&typeof x==="object"&&((typeof Map!=="undefined"&&x instanceof Map)||(typeof Set!=="undefined"&&x instanceof Set))};`,
  },
  {
    name: 'typed-array slice', always: true,
    code: `[Uint8Array,Uint16Array,Uint32Array,Int8Array,Int16Array,Int32Array].forEach(function(T){T.prototype.slice=function(a,b){return new T(this.subarray(a,b))}});`,
  },
  {
    // Espruino 2v29 reports a match for a needle that runs off the end of the string after
    // matching its first characters ("abc".indexOf("cd") is 2, "abc".replace("cd", "X") is
    // "abX"): a silent misparse in every string search. Such a false match can only be the
    // last candidate (a real match would have been found first), so dropping it is exact. The
    // natives are read from a string: Espruino does not show them on String.prototype.
    name: 'string search past the end', always: true,
    code: `(function(P){var f="".indexOf,r="".replace;P.indexOf=function(n,s){n=String(n);var i=f.call(this,n,s);return i>=0&&i+n.length>this.length?-1:i};P.includes=function(n,s){return this.indexOf(n,s)>=0};P.replace=function(p,w){return typeof p==="string"&&this.indexOf(p)<0?String(this):r.apply(this,arguments)}})(String.prototype);`,
  },
  {
    // class X extends Error cannot call super() on Espruino 2v29: the build extends this instead.
    name: 'Error base class', test: /\b__ErrorBase\b/,
    code: `function __ErrorBase(m){if(m!==undefined)this.message=String(m)}__ErrorBase.prototype=Object.create(Error.prototype);__ErrorBase.prototype.constructor=__ErrorBase;__ErrorBase.prototype.name="Error";__ErrorBase.prototype.toString=function(){return this.name+": "+this.message};`,
  },
  {
    name: 'Map', test: /\bMap\b/,
    code: `class Map{constructor(a){this._k=[];this._v=[];if(a){a=a._k?a.entries():a;for(var i=0;i<a.length;i++)this.set(a[i][0],a[i][1])}}
get size(){return this._k.length}
has(k){return this._k.indexOf(k)>=0}
get(k){var i=this._k.indexOf(k);return i<0?undefined:this._v[i]}
set(k,v){var i=this._k.indexOf(k);if(i<0){this._k.push(k);this._v.push(v)}else this._v[i]=v;return this}
clear(){this._k=[];this._v=[]}
keys(){return this._k.slice()}
values(){return this._v.slice()}
entries(){var r=[];for(var i=0;i<this._k.length;i++)r.push([this._k[i],this._v[i]]);return r}
forEach(f,t){var e=this.entries();for(var i=0;i<e.length;i++)f.call(t,e[i][1],e[i][0],this)}}
Map.prototype["delete"]=function(k){var i=this._k.indexOf(k);if(i<0)return false;this._k.splice(i,1);this._v.splice(i,1);return true};`,
  },
  {
    name: 'WeakMap (bounded cache)', test: /\bWeakMap\b/, needs: ['Map'],
    code: `class WeakMap extends Map{set(k,v){if(!this.has(k)&&this._k.length>=4){this._k.shift();this._v.shift()}return super.set(k,v)}}`,
  },
  {
    name: 'Set', test: /\bSet\b/,
    code: `class Set{constructor(a){this._k=[];if(a){a=a._k?a.values():a;for(var i=0;i<a.length;i++)this.add(a[i])}}
get size(){return this._k.length}
has(k){return this._k.indexOf(k)>=0}
add(k){if(this._k.indexOf(k)<0)this._k.push(k);return this}
clear(){this._k=[]}
values(){return this._k.slice()}
keys(){return this._k.slice()}
entries(){return this._k.map(function(k){return[k,k]})}
forEach(f,t){var v=this._k.slice();for(var i=0;i<v.length;i++)f.call(t,v[i],v[i],this)}}
Set.prototype["delete"]=function(k){var i=this._k.indexOf(k);if(i<0)return false;this._k.splice(i,1);return true};`,
  },
  {
    // days-from-civil (H. Hinnant): exact for the proleptic Gregorian calendar, no time zone involved.
    name: 'UTC calendar (days from civil)', test: /Date\.UTC\b|\.setUTCFullYear\b|\.setUTCHours\b/,
    code: `var __civ=function(y,mo,d){mo=mo||0;y+=Math.floor(mo/12);mo=((mo%12)+12)%12;var yy=mo<2?y-1:y,era=Math.floor(yy/400),yoe=yy-era*400,mp=(mo+9)%12,doy=Math.floor((153*mp+2)/5)+(d===undefined?1:d)-1;return(era*146097+yoe*365+Math.floor(yoe/4)-Math.floor(yoe/100)+doy-719468)*864e5};`,
  },
  { name: 'Date.UTC', test: /Date\.UTC\b/, needs: ['UTC calendar (days from civil)'], code: `if(!Date.UTC)Date.UTC=function(y,mo,d,h,mi,s,ms){return __civ(y,mo,d)+(((h||0)*60+(mi||0))*60+(s||0))*1e3+(ms||0)};` },
  {
    name: 'Date#setUTCFullYear', test: /\.setUTCFullYear\b/, needs: ['UTC calendar (days from civil)'],
    code: `if(!Date.prototype.setUTCFullYear)Date.prototype.setUTCFullYear=function(y,mo,d){var t=this.getTime(),r=t-Math.floor(t/864e5)*864e5;return this.setTime(__civ(y,mo,d)+r)};`,
  },
  {
    name: 'Date#setUTCHours', test: /\.setUTCHours\b/,
    code: `if(!Date.prototype.setUTCHours)Date.prototype.setUTCHours=function(h,mi,s,ms){var t=this.getTime();return this.setTime(Math.floor(t/864e5)*864e5+(((h||0)*60+(mi||0))*60+(s||0))*1e3+(ms||0))};`,
  },
  {
    name: 'String.fromCodePoint', test: /String\.fromCodePoint\b/,
    code: `if(!String.fromCodePoint)String.fromCodePoint=function(){var s="";for(var i=0;i<arguments.length;i++){var c=arguments[i];if(c>65535){c-=65536;s+=String.fromCharCode(55296+(c>>10),56320+(c&1023))}else s+=String.fromCharCode(c)}return s};`,
  },
  {
    // Espruino's Object.assign refuses a function target (the core decorates verifier and listener functions).
    name: 'Object.assign onto functions', test: /Object\.assign\b/,
    code: `(function(a){Object.assign=function(t){if(typeof t!=="function")return a.apply(Object,arguments);for(var i=1;i<arguments.length;i++){var s=arguments[i];if(s!=null){var k=Object.keys(s);for(var j=0;j<k.length;j++)t[k[j]]=s[k[j]]}}return t}})(Object.assign);`,
  },
  {
    name: 'for-of over Map/Set', test: /\b__iter\b/,
    code: `var __iter=function(x){return __coll(x)?x._v?x.entries():x._k.slice():x};`,
  },
  { name: 'RangeError', test: /\bRangeError\b/, code: `var RangeError=typeof RangeError!=="undefined"?RangeError:TypeError;` },
  { name: 'Object.freeze', test: /Object\.freeze\b/, code: `if(!Object.freeze)Object.freeze=function(o){return o};` },
  { name: 'Object.hasOwn', test: /Object\.hasOwn\b/, code: `if(!Object.hasOwn)Object.hasOwn=function(o,k){return Object.prototype.hasOwnProperty.call(o,k)};` },
  {
    name: 'Array.from', test: /Array\.from\b/,
    code: `if(!Array.from)Array.from=function(a,f){if(typeof a==="number"||a==null)throw new TypeError("Array.from: not iterable");if(__coll(a))a=a._v?a.entries():a.values();var n=a.length,r=new Array(n);for(var i=0;i<n;i++)r[i]=f?f(a[i],i):a[i];return r};`,
  },
  {
    name: 'Array.prototype.flatMap', test: /\.flatMap\b/,
    code: `Array.prototype.flatMap=function(f){var r=[];for(var i=0;i<this.length;i++){var v=f(this[i],i,this);if(Array.isArray(v))for(var j=0;j<v.length;j++)r.push(v[j]);else r.push(v)}return r};`,
  },
  {
    name: 'Array.prototype.flat', test: /\.flat\(/,
    code: `Array.prototype.flat=function(){var r=[];for(var i=0;i<this.length;i++){var v=this[i];if(Array.isArray(v))for(var j=0;j<v.length;j++)r.push(v[j]);else r.push(v)}return r};`,
  },
  {
    name: 'Uint8Array.from', test: /Uint8Array\.from\b/,
    code: `if(!Uint8Array.from)Uint8Array.from=function(a,f){if(__coll(a))a=a.values();var r=new Uint8Array(a.length);for(var i=0;i<a.length;i++)r[i]=f?f(a[i],i):a[i];return r};`,
  },
  { name: 'Uint8Array.of', test: /Uint8Array\.of\b/, code: `if(!Uint8Array.of)Uint8Array.of=function(){return new Uint8Array(arguments)};` },
  {
    name: 'Math.imul', test: /Math\.imul\b/,
    code: `if(!Math.imul)Math.imul=function(a,b){var al=a&65535,bl=b&65535;return(al*bl+(((a>>>16)*bl+al*(b>>>16))<<16))|0};`,
  },
  {
    name: 'Math.clz32', test: /Math\.clz32\b/,
    code: `if(!Math.clz32)Math.clz32=function(x){x>>>=0;if(!x)return 32;var n=0;while(!(x&2147483648)){x<<=1;n++}return n};`,
  },
  { name: 'Number.isFinite', test: /Number\.isFinite\b/, code: `if(!Number.isFinite)Number.isFinite=function(v){return typeof v==="number"&&v-v===0};` },
  { name: 'Number.isInteger', test: /Number\.isInteger\b/, code: `if(!Number.isInteger)Number.isInteger=function(v){return typeof v==="number"&&v-v===0&&Math.floor(v)===v};` },
  {
    name: 'Number.isSafeInteger', test: /Number\.isSafeInteger\b/,
    code: `if(!Number.isSafeInteger)Number.isSafeInteger=function(v){return typeof v==="number"&&v-v===0&&Math.floor(v)===v&&Math.abs(v)<=9007199254740991};`,
  },
  { name: 'Number.MAX_SAFE_INTEGER', test: /Number\.MAX_SAFE_INTEGER\b/, code: `if(!Number.MAX_SAFE_INTEGER)Number.MAX_SAFE_INTEGER=9007199254740991;` },
  {
    name: 'ArrayBuffer.isView', test: /ArrayBuffer\.isView\b/,
    code: `if(!ArrayBuffer.isView)ArrayBuffer.isView=function(v){return v!=null&&typeof v==="object"&&v.buffer instanceof ArrayBuffer};`,
  },
];

/** The polyfills `code` needs, in dependency order, and their names for the build output. */
export function polyfillsFor(code) {
  const picked = new Set();
  const add = (p) => {
    for (const n of p.needs ?? []) add(POLYFILLS.find((q) => q.name === n));
    picked.add(p);
  };
  for (const p of POLYFILLS) if (p.always || p.test.test(code)) add(p);
  const list = POLYFILLS.filter((p) => picked.has(p));
  return { names: list.map((p) => p.name), code: list.map((p) => p.code).join('\n') };
}

// Babel's helpers, written for Espruino: no Symbol, no iterator protocol beyond arrays, typed
// arrays and the Map/Set above (their `_k` array). Babel's own versions probe
// Symbol.iterator and read unknown properties of typed arrays, which throws on Espruino.
const toArr = `function(a){if(Array.isArray(a))return a;if(a==null)throw new TypeError("not iterable");if(__coll(a))return a._v?a.entries():a.values();if(typeof a==="string")return a.split("");if(typeof a.length==="number"){var r=[];for(var i=0;i<a.length;i++)r.push(a[i]);return r}throw new TypeError("not iterable")}`;
export const ESPRUINO_HELPERS = {
  toConsumableArray: `function(a){var v=(${toArr})(a);return v===a?a.slice():v}`,
  slicedToArray: toArr,
  toArray: toArr,
  arrayLikeToArray: toArr,
  defineProperty: `function(o,k,v){o[k]=v;return o}`,
  objectSpread2: `function(t){for(var i=1;i<arguments.length;i++){var s=arguments[i];if(s!=null){var ks=Object.keys(s);for(var j=0;j<ks.length;j++)t[ks[j]]=s[ks[j]]}}return t}`,
  extends: `function(t){for(var i=1;i<arguments.length;i++){var s=arguments[i];if(s!=null){var ks=Object.keys(s);for(var j=0;j<ks.length;j++)t[ks[j]]=s[ks[j]]}}return t}`,
  objectWithoutProperties: `function(s,ex){var r={};if(s==null)return r;var ks=Object.keys(s);for(var i=0;i<ks.length;i++)if(ex.indexOf(ks[i])<0)r[ks[i]]=s[ks[i]];return r}`,
  objectWithoutPropertiesLoose: `function(s,ex){var r={};if(s==null)return r;var ks=Object.keys(s);for(var i=0;i<ks.length;i++)if(ex.indexOf(ks[i])<0)r[ks[i]]=s[ks[i]];return r}`,
  objectDestructuringEmpty: `function(o){if(o==null)throw new TypeError("Cannot destructure "+o)}`,
  toPropertyKey: `function(k){return typeof k==="string"?k:String(k)}`,
};
